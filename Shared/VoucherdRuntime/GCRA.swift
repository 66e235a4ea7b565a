/// The generic cell rate algorithm: a leaky bucket kept as one number, the theoretical arrival
/// time (TAT) of the next request.
///
/// Requests are allowed at `rate` per second on average with bursts of up to `burst` at once.
/// Time is seconds on any monotonic scale, passed in, so the algorithm is pure and testable.
public struct GCRA: Sendable, Hashable {
    /// The outcome of one check.
    public enum Decision: Sendable, Hashable {
        /// The request may proceed.
        case allowed
        /// The request must wait this long before it would be allowed.
        case limited(retryAfter: Duration)
    }

    /// Sustained requests per second.
    public let rate: Double
    /// Requests allowed back to back from a full bucket.
    public let burst: Int
    /// The theoretical arrival time, in seconds; nil before the first request.
    public private(set) var theoreticalArrival: Double?

    /// Creates a limiter with an empty history.
    /// - Parameters:
    ///   - rate: sustained requests per second (must be positive; clamped to a tiny minimum).
    ///   - burst: requests allowed back to back (at least 1).
    public init(rate: Double, burst: Int) {
        self.rate = max(rate, 1e-9)
        self.burst = max(burst, 1)
    }

    /// Seconds between requests at the sustained rate.
    public var emissionInterval: Double { 1 / self.rate }

    /// How far ahead of `now` the TAT may run: `(burst - 1)` emission intervals.
    public var tolerance: Double { Double(self.burst - 1) * self.emissionInterval }

    /// Checks (and if allowed, records) a request at `now`.
    /// - Parameter now: the current time in seconds.
    /// - Returns: whether the request may proceed, and otherwise how long to wait.
    public mutating func check(now: Double) -> Decision {
        let arrival = max(self.theoreticalArrival ?? now, now)
        let ahead = arrival - now
        if ahead > self.tolerance {
            return .limited(retryAfter: Self.duration(seconds: ahead - self.tolerance))
        }
        self.theoreticalArrival = arrival + self.emissionInterval
        return .allowed
    }

    /// Whether, at `now`, the bucket is full again, so forgetting this state changes nothing.
    /// - Parameter now: the current time in seconds.
    public func isIdle(now: Double) -> Bool {
        (self.theoreticalArrival ?? now) <= now
    }

    static func duration(seconds: Double) -> Duration {
        .nanoseconds(Int64((seconds * 1e9).rounded(.up)))
    }
}
