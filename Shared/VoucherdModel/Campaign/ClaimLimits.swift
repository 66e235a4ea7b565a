/// How many coupons of a campaign one consumer may claim: in total, and per day (the merchant's
/// calendar day). Zero means no limit.
public struct ClaimLimits: Sendable, Hashable, Codable {
    /// The most coupons per consumer, ever; 0 for no limit.
    public var perUserTotal: Int
    /// The most coupons per consumer per calendar day in the merchant's time zone; 0 for no limit.
    public var perUserPerDay: Int

    /// Creates limits; the default is one coupon per consumer.
    public init(perUserTotal: Int = 1, perUserPerDay: Int = 0) {
        self.perUserTotal = perUserTotal
        self.perUserPerDay = perUserPerDay
    }

    /// Checks the limits' own fields.
    /// - Returns: nil when valid, else which field is wrong and why.
    public func validationError() -> String? {
        if self.perUserTotal < 0 { return "limits.per_user_total: must not be negative" }
        if self.perUserPerDay < 0 { return "limits.per_user_per_day: must not be negative" }
        if self.perUserTotal > 0, self.perUserPerDay > self.perUserTotal {
            return "limits.per_user_per_day: must not exceed limits.per_user_total"
        }
        return nil
    }

    /// Whether one more claim is allowed.
    /// - Parameters:
    ///   - claimedTotal: the consumer's claims of this campaign so far.
    ///   - claimedToday: those made today.
    /// - Returns: nil when allowed, else the limit reached.
    public func violation(claimedTotal: Int, claimedToday: Int) -> Violation? {
        if self.perUserTotal > 0, claimedTotal >= self.perUserTotal { return .total(self.perUserTotal) }
        if self.perUserPerDay > 0, claimedToday >= self.perUserPerDay { return .perDay(self.perUserPerDay) }
        return nil
    }

    /// A limit that a claim would exceed.
    public enum Violation: Sendable, Hashable, CustomStringConvertible {
        /// The per-consumer total.
        case total(Int)
        /// The per-consumer daily limit.
        case perDay(Int)

        public var description: String {
            switch self {
            case .total(let limit): "the limit of \(limit) per consumer is reached"
            case .perDay(let limit): "the limit of \(limit) per consumer per day is reached"
            }
        }
    }
}
