import Foundation
import VoucherdModel

/// A campaign's rules as the model's types: what a claim checks and what a coupon gets.
///
/// This is the one place where wire rules become model rules. The same initialiser validates a
/// CreateCampaign request (throwing INVALID_ARGUMENT with the proto path) and rebuilds the
/// policy of a stored campaign, whose rules passed it once already.
struct CampaignPolicy: Sendable {
    /// What a consumer gets: the campaign's benefit, or one A/B variant's.
    struct Offer: Sendable {
        /// The variant's name; empty without variants.
        var variant: String
        /// The benefit, as the coupon carries it.
        var benefit: Voucherd_V1_Benefit
        /// The same, as the model's type.
        var model: Benefit
        /// What one coupon counts against the budget.
        var budgetValue: Money?
    }

    /// The base offer (index 0) without variants, else one per variant, in order.
    var offers: [Offer]
    /// Chooses the variant, stably per consumer; nil without variants.
    var assignment: VariantAssignment?
    /// Period, window, tiers and per-consumer limits.
    var eligibility: ClaimEligibility
    /// How long a claimed coupon is valid.
    var validity: ValidityRule
    /// The most face value that may be issued, if bounded.
    var budget: Money?
    /// The calendar of the campaign's time zone, for daily limits.
    var calendar: Calendar

    /// The sentinel stored for "no claim end" (claim_end_micros 0).
    static let noEnd = Int64.max

    /// Validates and converts a campaign's benefit and rules.
    /// - Parameters:
    ///   - benefit: the campaign's benefit.
    ///   - rules: its rules.
    ///   - timeZone: an IANA zone, already checked.
    /// - Throws: INVALID_ARGUMENT naming the field.
    init(benefit: Voucherd_V1_Benefit, rules: Voucherd_V1_CampaignRules, timeZone: TimeZone) throws(IssuanceError) {
        let base = try Benefit(validating: benefit, path: "benefit")
        var offers = [Offer(variant: "", benefit: benefit, model: base, budgetValue: Benefit.budgetValue(of: benefit, model: base))]
        if !rules.variants.isEmpty {
            let assignment = VariantAssignment(variants: rules.variants.map { .init(name: $0.name, weight: Int($0.weight)) })
            if let problem = assignment.validationError() {
                throw RequestChecks.ruleError(problem, prefix: "variants", replacement: "rules.variants")
            }
            offers = []
            for (index, variant) in rules.variants.enumerated() {
                guard variant.hasBenefit else {
                    throw .invalidArgument(field: "rules.variants[\(index)].benefit", reason: "required")
                }
                let model = try Benefit(validating: variant.benefit, path: "rules.variants[\(index)].benefit")
                offers.append(Offer(
                    variant: variant.name, benefit: variant.benefit, model: model,
                    budgetValue: Benefit.budgetValue(of: variant.benefit, model: model)))
            }
            self.assignment = assignment
        } else {
            self.assignment = nil
        }
        self.offers = offers
        self.validity = try Self.validity(rules)
        self.budget = try Self.budget(rules, offers: offers)
        self.eligibility = try Self.eligibility(rules, timeZone: timeZone)
        if rules.hasRedeemWindow {
            _ = try Self.window(rules.redeemWindow, timeZone: timeZone, path: "rules.redeem_window")
        }
        try Self.checkScopes(rules)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// The offer a consumer gets: always the same variant for the same consumer.
    func offer(campaignID: String, consumerID: String) -> Offer {
        guard let assignment else { return self.offers[0] }
        return self.offers[assignment.variantIndex(campaignID: campaignID, consumerID: consumerID)]
    }

    /// The campaign's calendar day of `date`, such as `2026-11-23`, for daily limits.
    func day(of date: Date) -> String {
        let parts = self.calendar.dateComponents([.year, .month, .day], from: date)
        let month = parts.month ?? 0, day = parts.day ?? 0
        return "\(parts.year ?? 0)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    private static func validity(_ rules: Voucherd_V1_CampaignRules) throws(IssuanceError) -> ValidityRule {
        let rule: ValidityRule
        let field: String
        switch rules.validity.kind {
        case nil:
            throw .invalidArgument(field: "rules.validity", reason: "required: fixed or after_claim")
        case .fixed(let fixed):
            field = "rules.validity.fixed.end_micros"
            rule = .fixed(start: Date(micros: fixed.startMicros), end: Date(micros: fixed.endMicros))
        case .afterClaim(let relative):
            field = "rules.validity.after_claim.days"
            guard relative.notAfterMicros >= 0 else {
                throw .invalidArgument(field: "rules.validity.after_claim.not_after_micros", reason: "must not be negative")
            }
            let notAfter = relative.notAfterMicros > 0 ? Date(micros: relative.notAfterMicros) : nil
            rule = .afterClaim(days: Int(relative.days), notAfter: notAfter)
        }
        if let problem = rule.validationError() {
            throw RequestChecks.ruleError(problem, prefix: String(problem.prefix { $0 != ":" }), replacement: field)
        }
        return rule
    }

    private static func budget(_ rules: Voucherd_V1_CampaignRules, offers: [Offer]) throws(IssuanceError) -> Money? {
        guard rules.hasBudget else { return nil }
        let budget = try RequestChecks.money(rules.budget, isSet: true, field: "rules.budget")
        guard budget.minorUnits > 0 else { throw .invalidArgument(field: "rules.budget", reason: "must be positive") }
        for offer in offers {
            guard let value = offer.budgetValue else {
                throw .invalidArgument(
                    field: "rules.budget",
                    reason: "cannot bound a benefit without a face value (an uncapped percentage, a free item without value)")
            }
            guard value.currency == budget.currency else {
                throw .invalidArgument(field: "rules.budget", reason: "currency must match the benefit's (\(value.currency))")
            }
        }
        return budget
    }

    private static func eligibility(_ rules: Voucherd_V1_CampaignRules, timeZone: TimeZone) throws(IssuanceError) -> ClaimEligibility {
        guard rules.claimStartMicros >= 0 else {
            throw .invalidArgument(field: "rules.claim_start_micros", reason: "must not be negative")
        }
        let end = rules.claimEndMicros == 0 ? Self.noEnd : rules.claimEndMicros
        guard end > rules.claimStartMicros else {
            throw .invalidArgument(field: "rules.claim_end_micros", reason: "must be after rules.claim_start_micros (0 means no end)")
        }
        guard (1...100_000_000).contains(rules.inventory) else {
            throw .invalidArgument(field: "rules.inventory", reason: "must be between 1 and 100000000")
        }
        let limits = ClaimLimits(perUserTotal: Int(rules.perUserTotal), perUserPerDay: Int(rules.perUserPerDay))
        if let problem = limits.validationError() {
            throw RequestChecks.ruleError(problem, prefix: "limits", replacement: "rules")
        }
        guard rules.allowedTiers.count <= 16, rules.allowedTiers.allSatisfy({ (1...32).contains($0.count) }) else {
            throw .invalidArgument(field: "rules.allowed_tiers", reason: "at most 16 tiers of 1 to 32 characters")
        }
        let window = rules.hasClaimWindow
            ? try Self.window(rules.claimWindow, timeZone: timeZone, path: "rules.claim_window") : nil
        return ClaimEligibility(
            claimPeriod: ValidityPeriod(start: Date(micros: rules.claimStartMicros), end: Date(micros: end)),
            claimWindow: window, allowedTiers: Set(rules.allowedTiers), limits: limits)
    }

    private static func window(_ message: Voucherd_V1_UsageWindow, timeZone: TimeZone, path: String) throws(IssuanceError) -> UsageWindow? {
        guard !message.days.isEmpty || !message.times.isEmpty else { return nil }
        let window = UsageWindow(
            days: Set(message.days.map { Int($0) }),
            times: message.times.map { .init(start: Int($0.start), end: Int($0.end)) },
            timeZoneIdentifier: timeZone.identifier)
        if let problem = window.validationError() {
            throw RequestChecks.ruleError(problem, prefix: "", replacement: path)
        }
        return window
    }

    private static func checkScopes(_ rules: Voucherd_V1_CampaignRules) throws(IssuanceError) {
        let lists = [("rules.store_ids", rules.storeIds), ("rules.categories", rules.categories), ("rules.regions", rules.regions)]
        for (field, values) in lists where values.count > 1000 || !values.allSatisfy({ (1...64).contains($0.count) }) {
            throw .invalidArgument(field: field, reason: "at most 1000 entries of 1 to 64 characters")
        }
        guard rules.stackingGroup.count <= 64 else {
            throw .invalidArgument(field: "rules.stacking_group", reason: "at most 64 characters")
        }
        guard rules.pointsPrice >= 0 else {
            throw .invalidArgument(field: "rules.points_price", reason: "must not be negative")
        }
    }
}
