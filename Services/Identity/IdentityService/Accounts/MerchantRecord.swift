import Foundation
import GRDB
import VoucherdModel

/// A merchant as stored.
struct MerchantRecord: Sendable, Hashable {
    var merchantID: String
    var name: String
    var contactEmail: String
    var timeZone: String
    var region: String
    var status: Voucherd_V1_MerchantStatus
    var reviewReason: String
    var reviewedBy: String?
    var reviewedAtMicros: Int64?
    var createdAtMicros: Int64
    var ownerAccountID: String?

    static let columns = """
        merchant_id, name, contact_email, time_zone, region, status, review_reason, reviewed_by,
        reviewed_at_us, created_at_us, owner_account_id
        """

    init(
        merchantID: String, name: String, contactEmail: String, timeZone: String, region: String,
        createdAtMicros: Int64
    ) {
        self.merchantID = merchantID
        self.name = name
        self.contactEmail = contactEmail
        self.timeZone = timeZone
        self.region = region
        self.status = .submitted
        self.reviewReason = ""
        self.createdAtMicros = createdAtMicros
    }

    init(row: Row) throws {
        let statusName: String = row["status"]
        guard let status = Self.status(named: statusName) else {
            throw AccountsInternalError.inconsistent("merchant with unknown status \(statusName)")
        }
        self.merchantID = row["merchant_id"]
        self.name = row["name"]
        self.contactEmail = row["contact_email"]
        self.timeZone = row["time_zone"]
        self.region = row["region"]
        self.status = status
        self.reviewReason = row["review_reason"]
        self.reviewedBy = row["reviewed_by"]
        self.reviewedAtMicros = row["reviewed_at_us"]
        self.createdAtMicros = row["created_at_us"]
        self.ownerAccountID = row["owner_account_id"]
    }

    static func fetch(id: String, in db: Database) throws -> MerchantRecord? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM merchants WHERE merchant_id = ?", arguments: [id])
            .map(MerchantRecord.init(row:))
    }

    /// The stored name of a status; nil for UNSPECIFIED and unknown values.
    static func name(of status: Voucherd_V1_MerchantStatus) -> String? {
        switch status {
        case .submitted: "submitted"
        case .approved: "approved"
        case .rejected: "rejected"
        default: nil
        }
    }

    static func status(named name: String) -> Voucherd_V1_MerchantStatus? {
        switch name {
        case "submitted": .submitted
        case "approved": .approved
        case "rejected": .rejected
        default: nil
        }
    }

    var proto: Voucherd_V1_Merchant {
        var merchant = Voucherd_V1_Merchant()
        merchant.merchantID = merchantID
        merchant.name = name
        merchant.contactEmail = contactEmail
        merchant.timeZone = timeZone
        merchant.region = region
        merchant.status = status
        merchant.reviewReason = reviewReason
        merchant.reviewedBy = reviewedBy ?? ""
        merchant.reviewedAtMicros = reviewedAtMicros ?? 0
        merchant.createdAtMicros = createdAtMicros
        merchant.ownerAccountID = ownerAccountID ?? ""
        return merchant
    }
}
