import Foundation
import GRDB
import SwiftProtobuf
import VoucherdModel

/// A stored coupon (`coupons` row).
struct CouponRecord: Sendable {
    var id: String
    var campaignID: String
    var merchantID: String
    var consumerID: String?
    var state: CouponState
    var variant: String
    var benefit: Voucherd_V1_Benefit
    var validFromMicros: Int64
    var validUntilMicros: Int64
    /// Stored value only: what is left.
    var balance: Money?
    var code: String?
    var origin: CouponOrigin
    var transferredFrom: String?
    /// What the coupon counted against the campaign's budget.
    var faceValueMinor: Int64
    var issuedAtMicros: Int64
    var updatedAtMicros: Int64

    /// The wire message.
    var message: Voucherd_V1_Coupon {
        var message = Voucherd_V1_Coupon()
        message.couponID = self.id
        message.campaignID = self.campaignID
        message.merchantID = self.merchantID
        message.consumerID = self.consumerID ?? ""
        message.state = self.state.message
        message.benefit = self.benefit
        message.variant = self.variant
        message.validFromMicros = self.validFromMicros
        message.validUntilMicros = self.validUntilMicros
        if let balance { message.balance = balance.message }
        message.code = self.code ?? ""
        message.issuedAtMicros = self.issuedAtMicros
        message.origin = self.origin.rawValue
        message.transferredFromCouponID = self.transferredFrom ?? ""
        return message
    }
}

extension CouponRecord {
    /// Reads a row selected with `coupons.*`.
    init(row: Row) throws {
        self.id = row["id"]
        self.campaignID = row["campaign_id"]
        self.merchantID = row["merchant_id"]
        self.consumerID = row["consumer_id"]
        guard let state = CouponState(rawValue: row["state"]), let origin = CouponOrigin(rawValue: row["origin"]) else {
            throw IssuanceError.internalError
        }
        self.state = state
        self.origin = origin
        self.variant = row["variant"]
        self.benefit = try Voucherd_V1_Benefit(serializedBytes: row["benefit"] as Data)
        self.validFromMicros = row["valid_from_us"]
        self.validUntilMicros = row["valid_until_us"]
        let currency: String? = row["balance_currency"]
        let minor: Int64? = row["balance_minor"]
        if let currency, let minor, let code = CurrencyCode(currency) {
            self.balance = Money(minorUnits: minor, currency: code)
        } else {
            self.balance = nil
        }
        self.code = row["code"]
        self.transferredFrom = row["transferred_from"]
        self.faceValueMinor = row["face_value_minor"]
        self.issuedAtMicros = row["issued_at_us"]
        self.updatedAtMicros = row["updated_at_us"]
    }
}
