/// How long a client waits before trying an endpoint again after failing to connect to it:
/// exponential, capped, with jitter so that many clients that lost the same server do not all
/// come back at the same instant.
///
/// After the n-th consecutive failure the endpoint is down for
/// `min(initial × multiplier^(n−1), maximum)`, multiplied by a random factor in
/// `[1 − jitter, 1 + jitter]`. A successful connection resets the count.
public struct XRPCBackoff: Sendable, Hashable {
    /// The wait after the first failure. Default 1 s.
    public var initial: Duration
    /// The longest wait, before jitter. Default 120 s.
    public var maximum: Duration
    /// How much each further consecutive failure multiplies the wait by. Default 1.6.
    public var multiplier: Double
    /// The relative spread applied to each wait, 0 to 1. Default 0.2 (±20%).
    public var jitter: Double

    /// Creates a backoff policy.
    /// - Parameters:
    ///   - initial: the wait after the first failure.
    ///   - maximum: the longest wait, before jitter.
    ///   - multiplier: the growth factor per consecutive failure (at least 1).
    ///   - jitter: the relative random spread, from 0 (none) to 1.
    public init(initial: Duration, maximum: Duration, multiplier: Double, jitter: Double) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// gRPC's connection-backoff defaults, except a shorter cap: 1 s, ×1.6, ±20%, at most 120 s.
    public static var defaults: Self {
        Self(initial: .seconds(1), maximum: .seconds(120), multiplier: 1.6, jitter: 0.2)
    }

    /// The wait after `failures` consecutive failed connects (at least 1).
    /// - Parameter random: a number in [0, 1) that picks the jitter; injected so tests are exact.
    func delay(afterFailures failures: Int, random: Double) -> Duration {
        let initial = Self.seconds(self.initial)
        let maximum = max(Self.seconds(self.maximum), 0)
        let exponent = Double(max(failures, 1) - 1)
        let base = min(max(initial, 0) * Swift.max(self.multiplier, 1).power(exponent), maximum)
        let spread = Swift.min(Swift.max(self.jitter, 0), 1)
        let factor = 1 - spread + 2 * spread * Swift.min(Swift.max(random, 0), 1)
        return .nanoseconds(Int64((base * factor * 1e9).rounded()))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Double {
    /// `self` raised to `exponent`, without Foundation (a whole exponent is all we need).
    fileprivate func power(_ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 {
            result *= self
            // Once past any sensible cap, stop: the caller clamps to the maximum anyway.
            if result > 1e12 { return result }
            remaining -= 1
        }
        return result
    }
}
