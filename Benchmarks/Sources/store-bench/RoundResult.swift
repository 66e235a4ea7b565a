import Histogram

/// What one round of one cell measured: writer tallies merged, and the writer's counters.
/// A cell's rounds are merged with ``merge(_:)``.
struct RoundResult: Sendable {
    /// Latencies above this (60 s, in microseconds) are recorded as this.
    static let highestTrackableMicroseconds: UInt64 = 60_000_000

    /// Latency of each acknowledged write, in microseconds.
    var histogram = Histogram<UInt64>(highestTrackableValue: Self.highestTrackableMicroseconds)
    var writes = 0
    var failures = 0
    var firstError: String?
    var elapsedSeconds = 0.0
    var transactions = 0
    var largestBatch = 0
    var rounds = 0

    /// Adds a round (or a writer's tally) to this one.
    mutating func merge(_ other: RoundResult) {
        histogram.add(other.histogram)
        writes += other.writes
        failures += other.failures
        firstError = firstError ?? other.firstError
        elapsedSeconds += other.elapsedSeconds
        transactions += other.transactions
        largestBatch = max(largestBatch, other.largestBatch)
        rounds += other.rounds
    }

    /// The cell's row for the report.
    func cellResult(
        writers: Int, mode: WriteMode, rowsInTable: Int, synchronous: Int
    ) -> CellResult {
        CellResult(
            writers: writers,
            mode: mode,
            rounds: rounds,
            writes: writes,
            failures: failures,
            firstError: firstError,
            elapsedSeconds: elapsedSeconds,
            writesPerSecond: elapsedSeconds > 0 ? Double(writes) / elapsedSeconds : 0,
            latencyMicroseconds: .init(
                p50: histogram.valueAtPercentile(50),
                p99: histogram.valueAtPercentile(99),
                p999: histogram.valueAtPercentile(99.9),
                max: histogram.maxRecorded,
                mean: histogram.mean),
            transactions: transactions,
            writesPerTransaction: transactions > 0 ? Double(writes) / Double(transactions) : 0,
            largestBatch: largestBatch,
            rowsInTable: rowsInTable,
            synchronous: synchronous)
    }
}
