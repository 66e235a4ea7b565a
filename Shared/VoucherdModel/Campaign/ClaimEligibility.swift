public import Foundation

/// Whether a consumer may claim from a campaign now: the pure part of a claim, so that issuance
/// and its tests share one definition. Stock is checked last because it is the only part that
/// changes under a flash sale.
public struct ClaimEligibility: Sendable, Hashable {
    /// When the campaign accepts claims, `[start, end)`.
    public var claimPeriod: ValidityPeriod
    /// Days and times claims are accepted, if restricted.
    public var claimWindow: UsageWindow?
    /// Tiers allowed to claim; empty allows everyone.
    public var allowedTiers: Set<String>
    /// Per-consumer limits.
    public var limits: ClaimLimits

    /// Creates the rules.
    public init(claimPeriod: ValidityPeriod, claimWindow: UsageWindow? = nil, allowedTiers: Set<String> = [], limits: ClaimLimits = ClaimLimits()) {
        self.claimPeriod = claimPeriod
        self.claimWindow = claimWindow
        self.allowedTiers = allowedTiers
        self.limits = limits
    }

    /// Why a claim is refused.
    public enum Refusal: Sendable, Hashable, CustomStringConvertible {
        /// Before the claim period.
        case notStarted(Date)
        /// After the claim period.
        case ended(Date)
        /// Outside the days or times claims are accepted.
        case outsideWindow
        /// The consumer's tier is not allowed.
        case tierNotAllowed(String)
        /// A per-consumer limit is reached.
        case limitReached(ClaimLimits.Violation)
        /// No stock left.
        case outOfStock

        public var description: String {
            switch self {
            case .notStarted(let start): "the campaign accepts claims from \(start.ISO8601Format())"
            case .ended(let end): "the campaign stopped accepting claims at \(end.ISO8601Format())"
            case .outsideWindow: "the campaign does not accept claims at this day or time"
            case .tierNotAllowed(let tier): "members of tier '\(tier)' may not claim this campaign"
            case .limitReached(let violation): violation.description
            case .outOfStock: "the campaign is out of stock"
            }
        }
    }

    /// Checks a claim.
    /// - Parameters:
    ///   - now: the claim time.
    ///   - tier: the consumer's tier.
    ///   - claimedTotal: the consumer's claims of this campaign so far.
    ///   - claimedToday: those made today (merchant's calendar).
    ///   - remainingStock: coupons left.
    /// - Returns: nil when the claim may go ahead, else the first reason it may not.
    public func refusal(now: Date, tier: String, claimedTotal: Int, claimedToday: Int, remainingStock: Int) -> Refusal? {
        if now < self.claimPeriod.start { return .notStarted(self.claimPeriod.start) }
        if now >= self.claimPeriod.end { return .ended(self.claimPeriod.end) }
        if let window = self.claimWindow, !window.contains(now) { return .outsideWindow }
        if !self.allowedTiers.isEmpty, !self.allowedTiers.contains(tier) { return .tierNotAllowed(tier) }
        if let violation = self.limits.violation(claimedTotal: claimedTotal, claimedToday: claimedToday) {
            return .limitReached(violation)
        }
        if remainingStock <= 0 { return .outOfStock }
        return nil
    }
}
