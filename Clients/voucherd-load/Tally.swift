import GRPCCore
import Histogram

/// What a run counted: a latency histogram per outcome of answered calls, and failures by
/// status code. A failed call never enters a histogram, so failing fast cannot make the
/// percentiles look good.
struct Tally: Sendable {
    /// Latencies above this (60 s, in microseconds) are recorded as this.
    static let highestTrackableMicroseconds: UInt64 = 60_000_000

    /// Latency in microseconds, per outcome.
    private(set) var histograms: [Outcome: Histogram<UInt64>] = [:]
    /// Failed calls by gRPC status code (or error type, for errors that are not `RPCError`).
    private(set) var failuresByCode: [String: Int] = [:]
    /// The first message seen for each failure code, so a report says what went wrong.
    private(set) var failureExamples: [String: String] = [:]
    /// From the first call's start until the last call's answer.
    var elapsed: Duration = .zero

    /// Calls answered with an outcome.
    var answered: Int { self.histograms.values.reduce(0) { $0 + Int($1.totalCount) } }
    /// Calls that failed.
    var failures: Int { self.failuresByCode.values.reduce(0, +) }
    /// Every call made.
    var attempts: Int { self.answered + self.failures }

    /// How many calls ended with `outcome`.
    func count(of outcome: Outcome) -> Int { Int(self.histograms[outcome]?.totalCount ?? 0) }

    /// Every answered call's latency, whatever its outcome.
    var allAnswered: Histogram<UInt64> {
        var merged = Self.emptyHistogram()
        for histogram in self.histograms.values { merged.add(histogram) }
        return merged
    }

    mutating func record(_ outcome: Outcome, latency: Duration) {
        let micros = Self.microseconds(latency)
        self.histograms[outcome, default: Self.emptyHistogram()].record(min(micros, Self.highestTrackableMicroseconds))
    }

    mutating func recordFailure(_ error: any Error) {
        let code = Self.failureCode(for: error)
        self.failuresByCode[code, default: 0] += 1
        if self.failureExamples[code] == nil {
            self.failureExamples[code] = String(describing: error)
        }
    }

    mutating func merge(_ other: Tally) {
        for (outcome, histogram) in other.histograms {
            self.histograms[outcome, default: Self.emptyHistogram()].add(histogram)
        }
        self.failuresByCode.merge(other.failuresByCode, uniquingKeysWith: +)
        self.failureExamples.merge(other.failureExamples) { first, _ in first }
        self.elapsed = max(self.elapsed, other.elapsed)
    }

    /// The status code's name for an `RPCError`, `cancelled` for cancellation, else the type.
    static func failureCode(for error: any Error) -> String {
        if let error = error as? RPCError { return String(describing: error.code) }
        if error is CancellationError { return "cancelled" }
        return String(describing: type(of: error))
    }

    static func emptyHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: Self.highestTrackableMicroseconds, numberOfSignificantValueDigits: .three)
    }

    static func microseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000)
    }
}
