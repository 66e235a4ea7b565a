import Foundation
import GRDB
import VoucherdModel

/// Turns a code into its coupon inside a write: the ClaimCode counterpart of ``CouponIssuer``.
///
/// Every refusal that depends on the code (unknown, claimed by someone else, the campaign
/// paused or over, a limit reached, no stock) is thrown as ``CodeRefused``, which the handler
/// answers with one uniform NOT_FOUND: a caller must not learn whether a code exists.
struct CodeClaimer: Sendable {
    /// Who claims: the consumer and, for a consumer's own token, its tier.
    struct Claim: Sendable {
        var text: String
        var consumerID: String
        var claimant: CouponIssuer.Claimant
        var actor: String
    }

    /// The coupon and the code as displayed.
    struct Claimed: Sendable {
        var coupon: CouponRecord
        var display: String
    }

    let recorder: ChangeRecorder

    /// Claims the coupon behind the first of `found` whose campaign's format reads `claim.text`.
    ///
    /// FIRST_CLAIMER: the first consumer owns the coupon; its own later claims return it, and
    /// anyone else is refused. BEARER: the first claim creates the coupon without an owner
    /// (per-user limits do not apply to a coupon nobody owns), and every later claim returns
    /// it: whoever holds the code holds the coupon.
    func claim(_ claim: Claim, found: [CodeRepository.Found], now: Date, in db: Database) throws -> Claimed {
        var match: (code: String, campaign: CampaignRecord, format: CouponCodeFormat)?
        for candidate in found {
            guard let campaign = try CampaignRepository.fetch(candidate.campaignID, in: db) else { continue }
            let format = campaign.couponCodeFormat
            if let parsed = format.parse(claim.text), parsed.canonical == candidate.code {
                match = (candidate.code, campaign, format)
                break
            }
        }
        guard let match, let parsed = match.format.parse(claim.text) else { throw CodeRefused(reason: "unknown code") }
        let (code, campaign, format) = match
        let display = format.display(parsed)
        let bearer = campaign.codeBinding == .bearer
        if let existing = try Row.fetchOne(db, sql: "SELECT * FROM coupons WHERE code = ?", arguments: [code]) {
            let coupon = try CouponRecord(row: existing)
            guard bearer || coupon.consumerID == claim.consumerID else {
                throw CodeRefused(reason: "claimed by another consumer")
            }
            return Claimed(coupon: coupon, display: display)
        }
        guard campaign.status == .active else { throw CodeRefused(reason: "campaign \(campaign.status.rawValue)") }
        let policy = try campaign.policy()
        let eligibility = policy.eligibility
        var tier = ""
        switch claim.claimant {
        case .consumer(let consumerTier): tier = consumerTier
        case .service, .grant:
            guard eligibility.allowedTiers.isEmpty else { throw CodeRefused(reason: "tier-restricted, service caller") }
        }
        let day = policy.day(of: now)
        let counts = bearer
            ? ClaimCounterRepository.Counts(total: 0, today: 0)
            : try ClaimCounterRepository.counts(campaignID: campaign.id, consumerID: claim.consumerID, day: day, in: db)
        if let refusal = eligibility.refusal(
            now: now, tier: tier, claimedTotal: counts.total, claimedToday: counts.today,
            remainingStock: Int(clamping: campaign.remaining))
        {
            throw CodeRefused(reason: refusal.description)
        }
        // A bearer coupon has no owner to assign a variant by; its code is as stable a key.
        let offer = policy.offer(campaignID: campaign.id, consumerID: bearer ? code : claim.consumerID)
        var faceValue: Int64 = 0
        if let budget = policy.budget, let value = offer.budgetValue {
            faceValue = value.minorUnits
            let (used, overflow) = campaign.budgetUsedMinor.addingReportingOverflow(faceValue)
            guard !overflow, used <= budget.minorUnits else { throw CodeRefused(reason: "budget spent") }
        }
        let period = policy.validity.period(claimedAt: now)
        guard period.end > now else { throw CodeRefused(reason: "validity over") }
        do {
            try CampaignRepository.recordIssued(campaign.id, count: 1, faceValue: faceValue, now: now.micros, in: db)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw CodeRefused(reason: "out of stock")
        }
        if !bearer {
            try ClaimCounterRepository.increment(campaignID: campaign.id, consumerID: claim.consumerID, day: day, in: db)
        }
        var balance: Money?
        if case .storedValue(let value) = offer.model { balance = value }
        let coupon = CouponRecord(
            id: IssuanceID.coupon(), campaignID: campaign.id, merchantID: campaign.merchantID,
            consumerID: bearer ? nil : claim.consumerID, state: .issued, variant: offer.variant, benefit: offer.benefit,
            validFromMicros: period.start.micros, validUntilMicros: period.end.micros, balance: balance, code: code,
            origin: .code, transferredFrom: nil, faceValueMinor: faceValue, issuedAtMicros: now.micros,
            updatedAtMicros: now.micros)
        try CouponRepository.insert(coupon, in: db)
        try self.recorder.record(
            "issuance.code.claimed", subject: coupon.id, actor: claim.actor,
            attributes: [
                "campaign_id": campaign.id, "merchant_id": campaign.merchantID, "variant": offer.variant,
                "binding": bearer ? "bearer" : "first_claimer", "face_value_minor": String(faceValue),
            ],
            now: now, in: db)
        return Claimed(coupon: coupon, display: display)
    }
}

/// A code-dependent refusal; `reason` goes to the log at debug level, never to the caller.
struct CodeRefused: Error, Sendable {
    var reason: String
}
