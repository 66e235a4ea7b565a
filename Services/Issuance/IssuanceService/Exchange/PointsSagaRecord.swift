import Foundation
import GRDB

/// A stored points-exchange saga (`points_sagas` row).
struct PointsSagaRecord: Sendable {
    var id: String
    var principal: String
    var idempotencyKey: String
    var requestHash: Data
    var campaignID: String
    var consumerID: String
    /// "consumer" or "service": the claimant the coupon is issued for, as a claim would.
    var claimant: String
    var tier: String
    var points: Int64
    var state: PointsSagaState
    var spendEntryID: String?
    var couponID: String?
    /// The first answer when completed: the coupon's serialized bytes.
    var response: Data?
    /// The first answer when refused.
    var failure: PointsSagaFailure?
    var createdAtMicros: Int64
    var updatedAtMicros: Int64

    /// Identity's idempotency key for the spend: derived from the saga id, so a repeated spend
    /// (a retry, a resumed saga) spends once.
    var spendKey: String { "issuance:exchange:\(self.id):spend" }
    /// Identity's idempotency key for the refund.
    var refundKey: String { "issuance:exchange:\(self.id):refund" }

    /// The issuer's claimant: the same checks as the claim this exchange stands for.
    var issuerClaimant: CouponIssuer.Claimant {
        self.claimant == "consumer" ? .consumer(tier: self.tier) : .service
    }
}

extension PointsSagaRecord {
    /// Reads a row selected with `points_sagas.*`.
    init(row: Row) throws {
        guard let state = PointsSagaState(rawValue: row["state"]) else { throw IssuanceError.internalError }
        self.id = row["id"]
        self.principal = row["principal"]
        self.idempotencyKey = row["idempotency_key"]
        self.requestHash = row["request_hash"]
        self.campaignID = row["campaign_id"]
        self.consumerID = row["consumer_id"]
        self.claimant = row["claimant"]
        self.tier = row["tier"]
        self.points = row["points"]
        self.state = state
        self.spendEntryID = row["spend_entry_id"]
        self.couponID = row["coupon_id"]
        self.response = row["response"]
        let code: Int? = row["failure_code"]
        let message: String? = row["failure_message"]
        self.failure = code.map { PointsSagaFailure(code: $0, message: message ?? "") }
        self.createdAtMicros = row["created_at_us"]
        self.updatedAtMicros = row["updated_at_us"]
    }
}
