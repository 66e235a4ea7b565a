import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// 一键转赠: the holder gives an unused coupon, or part of a stored-value balance, to another
// consumer. Ownership moves in one write; of two racing changes to the same coupon exactly one
// wins, because each is a compare-and-set on the coupon's state (and balance) on the single
// writer connection.
extension IssuanceService {
    /// Transfers a coupon (or part of its balance) to another consumer, once per idempotency key.
    public func transferCoupon(
        request: Voucherd_V1_TransferCouponRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_TransferCouponResponse {
        try await self.handling("TransferCoupon") {
            let principal = try Principal.required()
            try principal.require(.consumer)
            try RequestChecks.id(request.couponID, prefix: "cpn_", field: "coupon_id")
            try RequestChecks.principalID(request.toConsumerID, field: "to_consumer_id")
            guard request.toConsumerID != principal.subject else {
                throw IssuanceError.invalidArgument(field: "to_consumer_id", reason: "must be another consumer")
            }
            let amount = request.hasAmount ? try RequestChecks.money(request.amount, isSet: true, field: "amount") : nil
            if let amount, amount.minorUnits <= 0 {
                throw IssuanceError.invalidArgument(field: "amount", reason: "must be positive")
            }
            try RequestChecks.idempotencyKey(request.idempotencyKey)
            let hash = try RequestChecks.digest(request)
            let now = self.environment.now()
            let environment = self.environment
            let recorder = ChangeRecorder(environment: environment)
            let response = try await environment.writer.write { db in
                try environment.idempotency.execute(
                    principal: principal.subject, method: Methods.transferCoupon, key: request.idempotencyKey,
                    requestHash: hash, now: now, in: db
                ) { db in
                    let result = try Self.transfer(
                        request.couponID, from: principal.subject, to: request.toConsumerID, amount: amount, now: now, in: db)
                    try recorder.record(
                        CouponOrigin.transfer.eventType, subject: result.to.couponID, actor: principal.subject,
                        attributes: [
                            "campaign_id": result.to.campaignID, "merchant_id": result.to.merchantID,
                            "partial": result.from.state == .issued ? "true" : "false",
                        ],
                        now: now, in: db)
                    return try result.serializedBytes()
                }
            }
            return try Voucherd_V1_TransferCouponResponse(serializedBytes: response)
        }
    }

    /// Closes the giver's coupon (or lowers its balance) and opens the receiver's.
    private static func transfer(
        _ couponID: String, from holder: String, to receiver: String, amount: Money?, now: Date, in db: Database
    ) throws -> Voucherd_V1_TransferCouponResponse {
        guard var giver = try CouponRepository.fetch(couponID, in: db) else {
            throw IssuanceError.notFound("No coupon '\(couponID)'.")
        }
        guard giver.consumerID == holder else {
            throw IssuanceError.permissionDenied("Only the holder may transfer a coupon.")
        }
        let campaign = try CampaignRepository.require(giver.campaignID, in: db)
        guard campaign.rules.transferable else {
            throw IssuanceError.failedPrecondition("Coupons of campaign '\(campaign.id)' are not transferable.")
        }
        guard giver.state == .issued else {
            throw IssuanceError.failedPrecondition("Coupon '\(couponID)' is \(giver.state.rawValue); only an unused coupon can be transferred.")
        }
        guard giver.validUntilMicros > now.micros else {
            throw IssuanceError.failedPrecondition("Coupon '\(couponID)' has expired.")
        }
        var taken = giver
        taken.id = IssuanceID.coupon()
        taken.consumerID = receiver
        taken.origin = .transfer
        taken.transferredFrom = giver.id
        taken.code = nil
        taken.faceValueMinor = 0
        taken.issuedAtMicros = now.micros
        taken.updatedAtMicros = now.micros
        let refused = IssuanceError.failedPrecondition("Coupon '\(couponID)' changed meanwhile; it was not transferred.")
        if let balance = giver.balance {
            let given = amount ?? balance
            guard given.currency == balance.currency else {
                throw IssuanceError.invalidArgument(field: "amount", reason: "currency must be the balance's (\(balance.currency))")
            }
            guard given.minorUnits <= balance.minorUnits else {
                throw IssuanceError.failedPrecondition("Coupon '\(couponID)' has only \(balance) left.")
            }
            guard try CouponRepository.debit(giver.id, holder: holder, amount: given.minorUnits, now: now.micros, in: db) else {
                throw refused
            }
            giver.balance = Money(minorUnits: balance.minorUnits - given.minorUnits, currency: balance.currency)
            taken.balance = given
            if given == balance {
                guard try CouponRepository.changeState(giver.id, holder: holder, from: .issued, to: .transferred, now: now.micros, in: db) else {
                    throw refused
                }
                giver.state = .transferred
            }
        } else {
            guard amount == nil else {
                throw IssuanceError.invalidArgument(field: "amount", reason: "only for stored-value coupons")
            }
            guard try CouponRepository.changeState(giver.id, holder: holder, from: .issued, to: .transferred, now: now.micros, in: db) else {
                throw refused
            }
            giver.state = .transferred
        }
        giver.updatedAtMicros = now.micros
        try CouponRepository.insert(taken, in: db)
        var response = Voucherd_V1_TransferCouponResponse()
        response.from = giver.message
        response.to = taken.message
        return response
    }
}
