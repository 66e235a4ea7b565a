import Synchronization

/// A sustained rate and burst for one rate-limited dimension.
public struct RateLimit: Sendable, Hashable {
    /// Sustained requests per second.
    public var ratePerSecond: Double
    /// Requests allowed back to back.
    public var burst: Int

    /// Creates a limit.
    /// - Parameters:
    ///   - ratePerSecond: sustained requests per second.
    ///   - burst: requests allowed back to back.
    public init(ratePerSecond: Double, burst: Int) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
    }
}

/// A ``GCRA`` per key (principal, device, client address), bounded in the number of keys.
///
/// When full, it forgets idle keys (whose bucket has refilled, so forgetting changes nothing),
/// then the most recovered keys, down to 90% of capacity.
public final class RateLimiter: Sendable {
    /// The limit applied to every key.
    public let limit: RateLimit
    /// The most keys tracked at once.
    public let maximumKeys: Int
    private let now: @Sendable () -> Double
    private let states: Mutex<[String: GCRA]> = Mutex([:])

    /// Creates a limiter.
    /// - Parameters:
    ///   - limit: the per-key rate and burst.
    ///   - maximumKeys: the most keys tracked at once.
    ///   - now: monotonic time in seconds; defaults to the continuous clock.
    public init(limit: RateLimit, maximumKeys: Int = 100_000, now: (@Sendable () -> Double)? = nil) {
        self.limit = limit
        self.maximumKeys = max(1, maximumKeys)
        self.now = now ?? Self.continuousSeconds()
    }

    /// How many keys are tracked.
    public var keyCount: Int {
        self.states.withLock { $0.count }
    }

    /// Checks (and if allowed, records) one request for `key`.
    /// - Parameter key: who the request is counted against.
    /// - Returns: the decision.
    public func check(_ key: String) -> GCRA.Decision {
        let now = self.now()
        return self.states.withLock { states in
            if states[key] == nil, states.count >= self.maximumKeys {
                Self.evict(&states, now: now, target: self.maximumKeys * 9 / 10)
            }
            var state = states[key] ?? GCRA(rate: self.limit.ratePerSecond, burst: self.limit.burst)
            let decision = state.check(now: now)
            states[key] = state
            return decision
        }
    }

    private static func evict(_ states: inout [String: GCRA], now: Double, target: Int) {
        states = states.filter { !$0.value.isIdle(now: now) }
        guard states.count > target else { return }
        let byRecovery = states.sorted { ($0.value.theoreticalArrival ?? 0) < ($1.value.theoreticalArrival ?? 0) }
        for (key, _) in byRecovery.prefix(states.count - target) {
            states[key] = nil
        }
    }

    private static func continuousSeconds() -> @Sendable () -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        return {
            let elapsed = start.duration(to: clock.now).components
            return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        }
    }
}
