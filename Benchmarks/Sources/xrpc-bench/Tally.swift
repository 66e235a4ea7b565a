import Histogram

/// What callers counted: one caller's, then a cell's once merged. Latencies are of successful
/// calls only, in microseconds; a failed call is counted in ``failures`` and nowhere else.
struct Tally: Sendable {
    /// Latencies above this (60 s, in microseconds) are recorded as this.
    static let highestTrackableMicroseconds: UInt64 = 60_000_000

    var histogram = Histogram<UInt64>(highestTrackableValue: Self.highestTrackableMicroseconds)
    /// Calls that completed with the right answer.
    var calls = 0
    /// Messages those calls received (one per unary call).
    var messages = 0
    var failures = 0
    /// Failures by gRPC status code (or error type, for errors that are not `RPCError`).
    var failuresByCode: [String: Int] = [:]
    var firstError: String?
    /// Summed over rounds: from a round's start until its last call was answered.
    var elapsedSeconds = 0.0
    var rounds = 0

    mutating func recordSuccess(microseconds: UInt64, messages: Int) {
        histogram.record(min(microseconds, Self.highestTrackableMicroseconds))
        calls += 1
        self.messages += messages
    }

    mutating func recordFailure(code: String, description: String) {
        failures += 1
        failuresByCode[code, default: 0] += 1
        firstError = firstError ?? description
    }

    mutating func merge(_ other: Tally) {
        histogram.add(other.histogram)
        calls += other.calls
        messages += other.messages
        failures += other.failures
        failuresByCode.merge(other.failuresByCode, uniquingKeysWith: +)
        firstError = firstError ?? other.firstError
        elapsedSeconds += other.elapsedSeconds
        rounds += other.rounds
    }
}
