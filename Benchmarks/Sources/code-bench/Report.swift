import BenchSupport
import Foundation

/// Everything one invocation measured, as written to JSON.
struct Report: Codable, Sendable {
    var benchmark = "code-generation"
    /// ISO 8601, UTC, when the invocation started.
    var date: String
    /// The command line as typed.
    var command: String
    var machine: Machine
    var configuration: Configuration
    var runs: [RunResult]
    /// One per chunk size.
    var summaries: [Summary]

    struct Configuration: Codable, Sendable {
        var count: Int
        var existingCodes: Int
        var runs: Int
        /// Codes per transaction in the RPC handler (`IssuanceService.codesPerChunk`), and the
        /// sizes this invocation ran.
        var standardChunkSize: Int
        var chunkSizes: [Int]
        var probeIntervalMilliseconds: Int?
        var checkExport: Bool
        var synchronous = "FULL"
        var journalMode = "WAL"
        var codeFormat = "no prefix, 12 random symbols + 1 check symbol (Crockford base 32)"
    }

    struct Summary: Codable, Sendable {
        var chunkSize: Int
        var targetSeconds: Double
        var medianSeconds: Double
        var bestSeconds: Double
        var medianCodesPerSecond: Double
        /// The median run within the target (DESIGN §6: 1M unique codes stored in ≤ 5 s).
        var targetMet: Bool
        /// The longest any write transaction held the writer, over these runs.
        var longestWriterTransactionMilliseconds: Double
        /// The median over these runs of each run's p99 writer hold and p99 probe latency.
        var medianP99WriterTransactionMilliseconds: Double
        var medianP99ProbeMilliseconds: Double?

        init(chunkSize: Int, runs: [RunResult], targetSeconds: Double) {
            self.chunkSize = chunkSize
            let seconds = runs.map(\.elapsedSeconds).sorted()
            let rates = runs.map(\.codesPerSecond).sorted()
            self.targetSeconds = targetSeconds
            self.medianSeconds = seconds.isEmpty ? 0 : seconds[seconds.count / 2]
            self.bestSeconds = seconds.first ?? 0
            self.medianCodesPerSecond = rates.isEmpty ? 0 : rates[rates.count / 2]
            self.targetMet = !seconds.isEmpty && self.medianSeconds <= targetSeconds
            self.longestWriterTransactionMilliseconds = runs.map(\.writerTransactions.maxMilliseconds).max() ?? 0
            self.medianP99WriterTransactionMilliseconds = Self.median(runs.map(\.writerTransactions.p99Milliseconds)) ?? 0
            self.medianP99ProbeMilliseconds = Self.median(runs.compactMap(\.probeWrites?.p99Milliseconds))
        }

        private static func median(_ values: [Double]) -> Double? {
            values.isEmpty ? nil : values.sorted()[values.count / 2]
        }
    }

    /// One Markdown row per run, then the summary line.
    var table: String {
        var lines = [
            "| run | chunk | seconds | codes/s | CPU s | progress msgs | writer txns | hold p50 / p99 / max ms | probe p50 / p99 / max ms | DB MiB | B/code | rows | distinct |",
            "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for (index, run) in self.runs.enumerated() {
            let hold = run.writerTransactions
            let probe = run.probeWrites.map { "\(Self.format($0.p50Milliseconds, 1)) / \(Self.format($0.p99Milliseconds, 1)) / \(Self.format($0.maxMilliseconds, 1))" } ?? "–"
            lines.append(
                "| \(index + 1) | \(run.chunkSize) | \(Self.format(run.elapsedSeconds, 2)) | \(Self.format(run.codesPerSecond, 0)) "
                    + "| \(Self.format(run.cpuSeconds, 2)) | \(run.progressMessages) | \(hold.count) "
                    + "| \(Self.format(hold.p50Milliseconds, 1)) / \(Self.format(hold.p99Milliseconds, 1)) / \(Self.format(hold.maxMilliseconds, 1)) "
                    + "| \(probe) | \(Self.format(Double(run.databaseBytes) / 1_048_576, 1)) "
                    + "| \(Self.format(run.databaseBytesPerCode, 1)) | \(run.rowsInTable) | \(run.distinctCodesInTable) |")
        }
        lines.append("")
        for summary in self.summaries {
            lines.append(
                "chunk \(summary.chunkSize): median \(Self.format(summary.medianSeconds, 2)) s (best \(Self.format(summary.bestSeconds, 2)) s), "
                    + "\(Self.format(summary.medianCodesPerSecond, 0)) codes/s; target ≤ \(Self.format(summary.targetSeconds, 0)) s: "
                    + (summary.targetMet ? "met" : "NOT met")
                    + "; writer hold p99 \(Self.format(summary.medianP99WriterTransactionMilliseconds, 1)) ms (median of runs), "
                    + "longest \(Self.format(summary.longestWriterTransactionMilliseconds, 1)) ms")
        }
        return lines.joined(separator: "\n")
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
