import Foundation
import Synchronization

/// Limits failed code lookups per caller, so codes cannot be enumerated by guessing.
///
/// A GCRA (generic cell rate algorithm) per principal subject: each failed lookup (a typo, an
/// unknown code, any refusal that ClaimCode answers with NOT_FOUND) costs one cell; a caller
/// may spend ``Configuration/burst`` cells at once and earns one back every
/// ``Configuration/interval``. Successful claims cost nothing. The state is in memory, per
/// process: a restart forgives everyone, which is acceptable for a guard whose purpose is to
/// make guessing 60-bit codes take geological time, not to be exact.
final class CodeLookupLimiter: Sendable {
    /// The limiter's policy.
    struct Configuration: Sendable, Hashable {
        /// Failures allowed in a burst. Default 10.
        var burst: Int = 10
        /// How long it takes to earn back one failure. Default 6 seconds (10 a minute).
        var interval: TimeInterval = 6
        /// Callers tracked before idle entries are dropped. Default 100,000.
        var maximumTracked: Int = 100_000
    }

    private let configuration: Configuration
    private let now: @Sendable () -> Date
    /// Each caller's theoretical arrival time (seconds since the reference date).
    private let arrivals = Mutex<[String: TimeInterval]>([:])

    /// Creates a limiter reading time from `now`.
    init(configuration: Configuration = Configuration(), now: @escaping @Sendable () -> Date) {
        self.configuration = configuration
        self.now = now
    }

    /// Whether `caller` may look a code up now (it has failures left to spend).
    func admits(_ caller: String) -> Bool {
        let now = self.now().timeIntervalSinceReferenceDate
        let tolerance = self.configuration.interval * Double(self.configuration.burst - 1)
        return self.arrivals.withLock { arrivals in
            guard let arrival = arrivals[caller] else { return true }
            return max(arrival, now) - now <= tolerance
        }
    }

    /// How many callers are tracked.
    var trackedCount: Int { self.arrivals.withLock { $0.count } }

    /// Counts one failed lookup against `caller`.
    func recordFailure(_ caller: String) {
        let now = self.now().timeIntervalSinceReferenceDate
        let configuration = self.configuration
        self.arrivals.withLock { arrivals in
            if arrivals[caller] == nil, arrivals.count >= configuration.maximumTracked {
                Self.makeRoom(in: &arrivals, now: now, maximum: configuration.maximumTracked)
            }
            arrivals[caller] = max(arrivals[caller] ?? now, now) + configuration.interval
        }
    }

    /// Brings the table down to three quarters of `maximum`: first the entries whose debt is
    /// paid (dropping them forgets nothing), then, if callers with debt still fill it, the ones
    /// nearest to being forgiven anyway. Making room for a quarter at once means the sweep runs
    /// once per `maximum / 4` new callers, not on every failure once the table is full.
    private static func makeRoom(in arrivals: inout [String: TimeInterval], now: TimeInterval, maximum: Int) {
        arrivals = arrivals.filter { $0.value > now }
        let target = max(0, maximum * 3 / 4)
        guard arrivals.count > target else { return }
        let nearest = arrivals.sorted { $0.value < $1.value }.prefix(arrivals.count - target)
        for (caller, _) in nearest { arrivals[caller] = nil }
    }
}
