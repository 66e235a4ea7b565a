/// One generation of `count` codes on a fresh store, and what the store held afterwards.
struct RunResult: Codable, Sendable {
    var count: Int
    /// Codes already stored (by another campaign) when the run started.
    var existingCodes: Int
    /// Codes per transaction and per sorted window.
    var chunkSize: Int
    var windowSize: Int
    /// From the GenerateCodes call to its return (the last progress message written).
    var elapsedSeconds: Double
    var codesPerSecond: Double
    /// CPU time (user + system) the whole process used meanwhile, all threads: on a shared box
    /// the part of the elapsed time that was this process's own work.
    var cpuSeconds: Double
    var progressMessages: Int
    /// When the first progress message arrived, and the longest wait between two.
    var firstProgressSeconds: Double
    var longestProgressGapSeconds: Double
    /// How long each write transaction held the store's writer during the run (every batch,
    /// those with a chunk of codes and those with only probe writes).
    var writerTransactions: Latency
    /// A trivial durable write every `probeIntervalMilliseconds` during the run: what any other
    /// request waits while codes are generated. Nil when probing was off.
    var probeWrites: Latency?

    /// The whole table, existing codes included.
    var rowsInTable: Int
    var distinctCodesInTable: Int
    var codesGeneratedOnCampaign: Int
    /// Codes ExportCodes streamed back, how many were distinct, and how many parsed with the
    /// campaign's format (check symbol included). Nil when the export check was skipped.
    var exported: Exported?
    /// `PRAGMA synchronous` on the writer connection after the run (2 = FULL).
    var synchronous: Int
    /// The WAL right after the run, and the database file after a TRUNCATE checkpoint (with
    /// the existing codes).
    var walBytesAfterRun: Int64
    var databaseBytes: Int64
    var databaseBytesPerCode: Double

    struct Latency: Codable, Sendable {
        var count: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
        var totalSeconds: Double

        /// From raw nanoseconds, nearest-rank percentiles.
        init(nanoseconds: [Int64]) {
            let sorted = nanoseconds.sorted()
            func rank(_ fraction: Double) -> Double {
                guard !sorted.isEmpty else { return 0 }
                let index = min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))
                return Double(sorted[index]) / 1e6
            }
            self.count = sorted.count
            self.p50Milliseconds = rank(0.5)
            self.p99Milliseconds = rank(0.99)
            self.maxMilliseconds = Double(sorted.last ?? 0) / 1e6
            self.totalSeconds = Double(sorted.reduce(0, +)) / 1e9
        }
    }

    struct Exported: Codable, Sendable {
        var codes: Int
        var distinct: Int
        var valid: Int
    }

    /// Whatever makes the run not count: a wrong number of codes, a duplicate, a code that
    /// fails its check symbol, or a store not at `synchronous=FULL`.
    var problems: [String] {
        var problems: [String] = []
        let expected = self.count + self.existingCodes
        if self.rowsInTable != expected { problems.append("\(self.rowsInTable) rows, not \(expected)") }
        if self.distinctCodesInTable != self.rowsInTable { problems.append("\(self.distinctCodesInTable) distinct codes of \(self.rowsInTable)") }
        if self.codesGeneratedOnCampaign != self.count { problems.append("campaign counts \(self.codesGeneratedOnCampaign)") }
        if let exported, exported.codes != self.count || exported.distinct != self.count || exported.valid != self.count {
            problems.append("export: \(exported.codes) codes, \(exported.distinct) distinct, \(exported.valid) valid")
        }
        if self.synchronous != 2 { problems.append("synchronous is \(self.synchronous), not 2 (FULL)") }
        return problems
    }
}
