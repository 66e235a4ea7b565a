import BenchSupport
import Foundation

/// Everything one run measured, as written to JSON.
struct Report: Codable, Sendable {
    var benchmark = "xrpc-vs-http2"
    /// ISO 8601, UTC, when the run started.
    var date: String
    /// The command line as typed.
    var command: String
    var machine: Machine
    var configuration: Configuration
    var cells: [CellResult]
    var ratios: [Ratio]
    var targets: [TargetCheck]

    struct Configuration: Codable, Sendable {
        var secondsPerCell: Double
        var roundsPerCell: Int
        var warmUpSecondsPerCell: Double
        var transports: [TransportKind]
        var calls: [CallKind]
        var payloadBytes: [Int]
        var unaryLoads: [String]
        var streamingLoads: [String]
        var streamMessages: Int
        var http2TunedTargetWindowSize: Int
        var eventLoopThreads: Int
    }

    /// The results as Markdown: every cell, then XRPC's ratios, then the targets.
    var table: String {
        var lines = [
            "| call | payload | load | transport | calls/s | msgs/s | p50 µs | p99 µs | p999 µs | failures |",
            "|---|--:|--:|---|--:|--:|--:|--:|--:|--:|",
        ]
        for cell in cells {
            let latency = cell.latencyMicroseconds
            lines.append(
                "| \(cell.call.rawValue) | \(Self.bytes(cell.payloadBytes)) | \(cell.load) | \(cell.transport.rawValue) "
                    + "| \(Self.format(cell.callsPerSecond, 0)) | \(Self.format(cell.messagesPerSecond, 0)) "
                    + "| \(latency.p50) | \(latency.p99) | \(latency.p999) | \(cell.failures) |")
        }
        lines += [
            "",
            "| call | payload | load | XRPC vs | throughput × | p99 × | its failures |",
            "|---|--:|--:|---|--:|--:|--:|",
        ]
        for ratio in ratios {
            lines.append(
                "| \(ratio.call.rawValue) | \(Self.bytes(ratio.payloadBytes)) | \(ratio.load) | \(ratio.against.rawValue) "
                    + "| \(Self.format(ratio.throughput, 2)) | \(ratio.p99.map { Self.format($0, 2) } ?? "n/a") "
                    + "| \(ratio.againstFailures) |")
        }
        lines += ["", "| target | measured | met |", "|---|---|---|"]
        for check in targets {
            lines.append("| \(check.target) | \(check.measured) | \(check.met.map { $0 ? "yes" : "NO" } ?? "n/a") |")
        }
        return lines.joined(separator: "\n")
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    static func bytes(_ count: Int) -> String {
        count >= 1024 && count % 1024 == 0 ? "\(count / 1024) KiB" : "\(count) B"
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
