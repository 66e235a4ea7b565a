import Foundation
import GRDB
import VoucherdModel

/// Issues one coupon inside a write: the part that claims, grants and referral rewards share.
///
/// Runs in the caller's savepoint on the single writer connection, so its reads and checks and
/// its writes are one atomic step; the campaign's CHECK constraints stay the final guard.
struct CouponIssuer: Sendable {
    /// Who asks, which decides the checks.
    enum Claimant: Sendable, Hashable {
        /// A consumer claiming for itself, with the tier from its token ("" when it has none).
        case consumer(tier: String)
        /// A service claiming for a consumer. Its token carries no tier, so a tier-restricted
        /// campaign refuses it (FAILED_PRECONDITION): issuance does not own tiers and will not
        /// guess one; such claims need the consumer's own token.
        case service
        /// A deliberate grant (operator, merchant, service, reward): the claim period, per-user
        /// limits, stock and budget apply; the claim window and tiers do not.
        case grant
    }

    /// One coupon to issue.
    struct Order: Sendable {
        var campaignID: String
        var consumerID: String
        var origin: CouponOrigin
        var claimant: Claimant
        /// The principal subject, for the audit log.
        var actor: String
    }

    /// The coupon issued and the campaign's stock after it.
    struct Issued: Sendable {
        var coupon: CouponRecord
        var level: StockGate.Level
    }

    let recorder: ChangeRecorder

    /// Issues the coupon.
    /// - Throws: ``StockExhausted`` when no stock is left; ``IssuanceError`` for every other
    ///   refusal (NOT_FOUND, FAILED_PRECONDITION, RESOURCE_EXHAUSTED for the budget).
    func issue(_ order: Order, now: Date, in db: Database) throws -> Issued {
        let campaign = try CampaignRepository.require(order.campaignID, in: db)
        guard campaign.status == .active else {
            throw IssuanceError.failedPrecondition("Campaign '\(campaign.id)' is \(campaign.status.rawValue); it issues no coupons.")
        }
        switch (order.origin, campaign.distribution) {
        case (.claim, .claim), (.grant, .claim), (.grant, .grant): break
        // Points exchange buys a claimable or granted coupon, never a code.
        case (.points, .claim), (.points, .grant): break
        default:
            throw IssuanceError.failedPrecondition(
                "Campaign '\(campaign.id)' is distributed by \(CampaignRecord.name(of: campaign.distribution)), not by \(order.origin.rawValue).")
        }
        let policy = try campaign.policy()
        var eligibility = policy.eligibility
        var tier = ""
        switch order.claimant {
        case .consumer(let consumerTier):
            tier = consumerTier
        case .service:
            guard eligibility.allowedTiers.isEmpty else {
                throw IssuanceError.failedPrecondition(
                    "Campaign '\(campaign.id)' is restricted to member tiers; the consumer must claim with its own token.")
            }
        case .grant:
            eligibility.claimWindow = nil
            eligibility.allowedTiers = []
        }
        let day = policy.day(of: now)
        let counts = try ClaimCounterRepository.counts(campaignID: campaign.id, consumerID: order.consumerID, day: day, in: db)
        if let refusal = eligibility.refusal(
            now: now, tier: tier, claimedTotal: counts.total, claimedToday: counts.today,
            remainingStock: Int(clamping: campaign.remaining))
        {
            if case .outOfStock = refusal { throw StockExhausted(level: campaign.level) }
            throw IssuanceError.failedPrecondition("Campaign '\(campaign.id)': \(refusal.description).")
        }
        let offer = policy.offer(campaignID: campaign.id, consumerID: order.consumerID)
        var faceValue: Int64 = 0
        if let budget = policy.budget, let value = offer.budgetValue {
            faceValue = value.minorUnits
            let (used, overflow) = campaign.budgetUsedMinor.addingReportingOverflow(faceValue)
            guard !overflow, used <= budget.minorUnits else {
                throw IssuanceError.resourceExhausted("Campaign '\(campaign.id)' has spent its budget.")
            }
        }
        let period = policy.validity.period(claimedAt: now)
        guard period.end > now else {
            throw IssuanceError.failedPrecondition("Coupons of campaign '\(campaign.id)' can no longer be used.")
        }
        do {
            try CampaignRepository.recordIssued(campaign.id, count: 1, faceValue: faceValue, now: now.micros, in: db)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // The schema refused: another writer got there first. Never oversell.
            throw StockExhausted(level: campaign.level)
        }
        try ClaimCounterRepository.increment(campaignID: campaign.id, consumerID: order.consumerID, day: day, in: db)
        var balance: Money?
        if case .storedValue(let value) = offer.model { balance = value }
        let coupon = CouponRecord(
            id: IssuanceID.coupon(), campaignID: campaign.id, merchantID: campaign.merchantID, consumerID: order.consumerID,
            state: .issued, variant: offer.variant, benefit: offer.benefit, validFromMicros: period.start.micros,
            validUntilMicros: period.end.micros, balance: balance, code: nil, origin: order.origin, transferredFrom: nil,
            faceValueMinor: faceValue, issuedAtMicros: now.micros, updatedAtMicros: now.micros)
        try CouponRepository.insert(coupon, in: db)
        try self.recorder.record(
            order.origin.eventType, subject: coupon.id, actor: order.actor,
            attributes: [
                "campaign_id": campaign.id, "merchant_id": campaign.merchantID, "variant": offer.variant,
                "face_value_minor": String(faceValue),
            ],
            now: now, in: db)
        return Issued(coupon: coupon, level: StockGate.Level(inventory: campaign.inventory, issued: campaign.issued + 1))
    }
}
