/// What one (writers, mode) cell measured. Latencies are microseconds, from the call to its
/// acknowledgement, for successful writes only.
struct CellResult: Codable, Sendable {
    var writers: Int
    var mode: WriteMode
    /// Slices the cell's time was split into, alternating with the other mode's.
    var rounds: Int
    /// Acknowledged writes.
    var writes: Int
    /// Writes that threw.
    var failures: Int
    /// The first error seen, if any.
    var firstError: String?
    /// Summed over rounds: from a round's start until its last write was answered.
    var elapsedSeconds: Double
    var writesPerSecond: Double
    var latencyMicroseconds: Latency
    /// Transactions the writer ran (batches for group, one per request for unbatched).
    var transactions: Int
    var writesPerTransaction: Double
    var largestBatch: Int
    /// Rows in the table after the cell, which must equal ``writes``.
    var rowsInTable: Int
    /// `PRAGMA synchronous` on the writer connection (2 = FULL).
    var synchronous: Int

    struct Latency: Codable, Sendable {
        var p50: UInt64
        var p99: UInt64
        var p999: UInt64
        var max: UInt64
        var mean: Double
    }
}
