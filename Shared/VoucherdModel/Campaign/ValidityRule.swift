public import Foundation

/// When a claimed coupon can be used: between two fixed instants, or for a number of days after
/// it was claimed (optionally never beyond a fixed end).
public enum ValidityRule: Sendable, Hashable, Codable {
    /// Valid from `start` (inclusive) until `end` (exclusive), whenever it was claimed.
    case fixed(start: Date, end: Date)
    /// Valid from the claim for `days` × 24 hours, but never after `notAfter` when given.
    case afterClaim(days: Int, notAfter: Date?)

    /// Checks the rule's own fields.
    /// - Returns: nil when valid, else which field is wrong and why.
    public func validationError() -> String? {
        switch self {
        case .fixed(let start, let end):
            return start < end ? nil : "validity.end: must be after validity.start"
        case .afterClaim(let days, _):
            return (1...3660).contains(days) ? nil : "validity.days_after_claim: must be between 1 and 3660"
        }
    }

    /// The period a coupon claimed at `claimedAt` is valid for.
    /// - Parameter claimedAt: the claim time.
    /// - Returns: the half-open period; empty (start == end) when the coupon can never be used.
    public func period(claimedAt: Date) -> ValidityPeriod {
        switch self {
        case .fixed(let start, let end):
            return ValidityPeriod(start: start, end: max(start, end))
        case .afterClaim(let days, let notAfter):
            var end = claimedAt.addingTimeInterval(TimeInterval(days) * 86_400)
            if let notAfter { end = min(end, notAfter) }
            return ValidityPeriod(start: claimedAt, end: max(claimedAt, end))
        }
    }
}

/// A half-open period `[start, end)`.
public struct ValidityPeriod: Sendable, Hashable, Codable {
    /// The first instant inside.
    public var start: Date
    /// The first instant outside.
    public var end: Date

    /// Creates a period.
    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// Whether `date` is inside.
    public func contains(_ date: Date) -> Bool {
        self.start <= date && date < self.end
    }

    /// Whether the period ends within `lead` after `now` (and has not ended yet): time to remind
    /// the holder.
    public func endsSoon(after now: Date, within lead: TimeInterval) -> Bool {
        now < self.end && self.end.timeIntervalSince(now) <= lead
    }
}
