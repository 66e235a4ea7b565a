/// Member tier rules and the currency spend is counted in.
///
/// A consumer reaches a rule's tier when its lifetime spend or its lifetime points meet that
/// rule's minimum (either is enough; a `nil` minimum never matches). Tiers only go up.
public struct MemberPolicy: Sendable, Hashable {
    /// One way to reach a tier.
    public struct TierRule: Sendable, Hashable {
        /// The tier the rule grants.
        public var tier: MemberTier
        /// Lifetime spend, in minor units of ``MemberPolicy/currency``, that reaches the tier;
        /// `nil` to ignore spend.
        public var minimumLifetimeSpendMinorUnits: Int64?
        /// Lifetime accrued points that reach the tier; `nil` to ignore points.
        public var minimumLifetimePoints: Int64?

        /// Creates a rule.
        /// - Parameters:
        ///   - tier: the tier granted.
        ///   - minimumLifetimeSpendMinorUnits: the spend threshold, or `nil`.
        ///   - minimumLifetimePoints: the points threshold, or `nil`.
        public init(tier: MemberTier, minimumLifetimeSpendMinorUnits: Int64?, minimumLifetimePoints: Int64?) {
            self.tier = tier
            self.minimumLifetimeSpendMinorUnits = minimumLifetimeSpendMinorUnits
            self.minimumLifetimePoints = minimumLifetimePoints
        }
    }

    /// The outcome of ``evaluate(current:lifetimeSpendMinorUnits:lifetimePoints:)``.
    public struct Upgrade: Sendable, Hashable {
        /// The new tier.
        public var tier: MemberTier
        /// The rule that matched, such as `"lifetime_spend >= 100000"`.
        public var reason: String
    }

    /// ISO 4217 code of the spend reported with accruals. Default `"CNY"`; accruals whose spend
    /// is in another currency are refused.
    public var currency: String
    /// The tier rules. Default: silver at 1,000.00 CNY spend (100,000 minor units) or 5,000
    /// points; gold at 5,000.00 CNY spend (500,000) or 20,000 points.
    public var rules: [TierRule]

    /// The default rules.
    public static let defaultRules: [TierRule] = [
        TierRule(tier: .silver, minimumLifetimeSpendMinorUnits: 100_000, minimumLifetimePoints: 5_000),
        TierRule(tier: .gold, minimumLifetimeSpendMinorUnits: 500_000, minimumLifetimePoints: 20_000),
    ]

    /// Creates a policy.
    /// - Parameters:
    ///   - currency: the spend currency, default `"CNY"`.
    ///   - rules: the tier rules, default ``defaultRules``.
    public init(currency: String = "CNY", rules: [TierRule] = MemberPolicy.defaultRules) {
        self.currency = currency
        self.rules = rules
    }

    /// The highest tier above `current` that the lifetime figures reach, with the rule that
    /// granted it; `nil` when nothing above `current` matches (tiers never go down).
    /// - Parameters:
    ///   - current: the consumer's tier now.
    ///   - lifetimeSpendMinorUnits: lifetime spend in ``currency``'s minor units.
    ///   - lifetimePoints: lifetime accrued points.
    /// - Returns: the upgrade, or `nil`.
    public func evaluate(current: MemberTier, lifetimeSpendMinorUnits: Int64, lifetimePoints: Int64) -> Upgrade? {
        var best: Upgrade?
        for rule in rules where rule.tier > current && rule.tier > (best?.tier ?? current) {
            if let minimum = rule.minimumLifetimeSpendMinorUnits, lifetimeSpendMinorUnits >= minimum {
                best = Upgrade(tier: rule.tier, reason: "lifetime_spend >= \(minimum)")
            } else if let minimum = rule.minimumLifetimePoints, lifetimePoints >= minimum {
                best = Upgrade(tier: rule.tier, reason: "lifetime_points >= \(minimum)")
            }
        }
        return best
    }
}
