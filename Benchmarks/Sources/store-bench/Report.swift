import BenchSupport
import Foundation

/// Everything one run measured, as written to JSON.
struct Report: Codable, Sendable {
    var benchmark = "store-group-commit"
    /// ISO 8601, UTC, when the run started.
    var date: String
    /// The command line as typed.
    var command: String
    var machine: Machine
    var configuration: Configuration
    var cells: [CellResult]
    var ratios: [Ratio]

    struct Configuration: Codable, Sendable {
        var secondsPerCell: Double
        var roundsPerCell: Int
        var writers: [Int]
        var modes: [WriteMode]
        var synchronous: String
        var journalMode: String
        var maximumBatchSize: Int
        var rowPayloadBytes: Int
    }

    /// Group commit over one transaction per request, at one concurrency.
    struct Ratio: Codable, Sendable {
        var writers: Int
        /// writes/s (group) ÷ writes/s (unbatched): above 1 means group commit is faster.
        var throughputGroupOverUnbatched: Double
        /// p99 (group) ÷ p99 (unbatched): below 1 means group commit answers sooner.
        var p99GroupOverUnbatched: Double
    }

    static func ratios(of cells: [CellResult]) -> [Ratio] {
        var ratios: [Ratio] = []
        for writers in cells.map(\.writers) where !ratios.contains(where: { $0.writers == writers }) {
            guard let group = cells.first(where: { $0.writers == writers && $0.mode == .group }),
                let unbatched = cells.first(where: { $0.writers == writers && $0.mode == .unbatched })
            else { continue }
            ratios.append(
                Ratio(
                    writers: writers,
                    throughputGroupOverUnbatched: group.writesPerSecond / unbatched.writesPerSecond,
                    p99GroupOverUnbatched: Double(group.latencyMicroseconds.p99)
                        / Double(max(1, unbatched.latencyMicroseconds.p99))))
        }
        return ratios
    }

    /// The results as two Markdown tables: every cell, then the ratios per concurrency.
    var table: String {
        var lines = [
            "| writers | mode | writes/s | p50 ms | p99 ms | p999 ms | failures | writes/txn |",
            "|--:|---|--:|--:|--:|--:|--:|--:|",
        ]
        for cell in cells {
            let latency = cell.latencyMicroseconds
            lines.append(
                "| \(cell.writers) | \(cell.mode.rawValue) | \(Self.format(cell.writesPerSecond, 0)) "
                    + "| \(Self.milliseconds(latency.p50)) | \(Self.milliseconds(latency.p99)) "
                    + "| \(Self.milliseconds(latency.p999)) | \(cell.failures) "
                    + "| \(Self.format(cell.writesPerTransaction, 1)) |")
        }
        lines += [
            "",
            "| writers | throughput group/unbatched | p99 group/unbatched |",
            "|--:|--:|--:|",
        ]
        for ratio in ratios {
            lines.append(
                "| \(ratio.writers) | \(Self.format(ratio.throughputGroupOverUnbatched, 2))× "
                    + "| \(Self.format(ratio.p99GroupOverUnbatched, 2))× |")
        }
        return lines.joined(separator: "\n")
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private static func milliseconds(_ microseconds: UInt64) -> String {
        format(Double(microseconds) / 1000, 2)
    }

    private static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
