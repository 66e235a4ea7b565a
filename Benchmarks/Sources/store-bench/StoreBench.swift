import ArgumentParser
import BenchSupport
import Foundation
import GRDB
import Logging
import VoucherdStore

/// Group commit against one transaction per request, on a durable (`synchronous=FULL`) store.
@main
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-bench",
        abstract: "Durable write throughput and latency: group commit vs one transaction per request.",
        discussion: """
            For each concurrency level, runs both modes, each against a fresh store in a \
            temporary directory: N writer tasks insert one row at a time and await its \
            acknowledgement until the cell's time is up. A cell's time is split into rounds that \
            alternate with the other mode's, so a slow spell of a shared disk hits both modes. Prints a table, then the JSON (to \
            stdout, or to --json PATH). Progress goes to stderr.
            """)

    @Option(help: "Comma-separated concurrency levels (writer tasks).")
    var writers: String = "1,16,64,256"

    @Option(help: "Seconds each cell runs.")
    var seconds: Double = 5

    @Option(help: "Rounds each cell's time is split into, alternating the two modes.")
    var rounds: Int = 5

    @Option(help: "Write the JSON here instead of to stdout.")
    var json: String?

    @Option(help: "GroupCommitWriter maximumBatchSize.")
    var maximumBatchSize: Int = 128

    func run() async throws {
        let levels = try writers.split(separator: ",").map { text in
            guard let level = Int(text.trimmingCharacters(in: .whitespaces)), level > 0 else {
                throw BenchError.invalidArgument("--writers: '\(text)' is not a positive integer")
            }
            return level
        }
        guard !levels.isEmpty else { throw BenchError.invalidArgument("--writers: no levels") }
        guard seconds > 0 else { throw BenchError.invalidArgument("--seconds must be positive") }
        guard rounds > 0 else { throw BenchError.invalidArgument("--rounds must be positive") }
        guard maximumBatchSize > 0 else {
            throw BenchError.invalidArgument("--maximum-batch-size must be positive")
        }

        let date = ISO8601DateFormatter().string(from: Date())
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("voucherd-store-bench-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        let fsyncBefore = try Machine.probeFsync(in: root)
        log("fsync probe: p50 \(fsyncBefore.p50Microseconds) µs, p90 \(fsyncBefore.p90Microseconds) µs")

        let runner = CellRunner(root: root, maximumBatchSize: maximumBatchSize)
        let roundDuration = Duration.milliseconds(Int64(seconds * 1000 / Double(rounds)))
        var cells: [CellResult] = []
        for level in levels {
            log("\(level) writers: \(rounds) rounds of \(roundDuration) per mode, modes alternating")
            var stores: [WriteMode: (store: VoucherdStore, synchronous: Int)] = [:]
            var results: [WriteMode: RoundResult] = [:]
            for mode in WriteMode.allCases {
                stores[mode] = try await runner.openStore(writers: level, mode: mode)
                results[mode] = RoundResult()
            }
            for round in 0..<rounds {
                // Alternate which mode goes first, so neither always follows the other.
                let order = round.isMultiple(of: 2) ? WriteMode.allCases : WriteMode.allCases.reversed()
                for mode in order {
                    let result = await runner.round(
                        on: stores[mode]!.store, writers: level, mode: mode, duration: roundDuration,
                        firstSequence: round * 1_000_000_000)
                    results[mode]!.merge(result)
                }
            }
            for mode in WriteMode.allCases {
                let (store, synchronous) = stores[mode]!
                let rows = try await runner.closeStore(store)
                let cell = results[mode]!.cellResult(
                    writers: level, mode: mode, rowsInTable: rows, synchronous: synchronous)
                log(
                    "  \(mode.rawValue): \(Int(cell.writesPerSecond)) writes/s, "
                        + "p99 \(cell.latencyMicroseconds.p99) µs, \(cell.failures) failures, "
                        + "\(cell.writes) acknowledged, \(rows) rows")
                cells.append(cell)
            }
        }
        let fsyncAfter = try Machine.probeFsync(in: root)
        log("fsync probe: p50 \(fsyncAfter.p50Microseconds) µs, p90 \(fsyncAfter.p90Microseconds) µs")

        let report = Report(
            date: date,
            command: CommandLine.arguments.joined(separator: " "),
            machine: Machine(
                uname: Machine.commandOutput(["uname", "-a"]),
                nproc: ProcessInfo.processInfo.activeProcessorCount,
                sqliteVersion: try sqliteVersion(in: root),
                storeDirectory: root.deletingLastPathComponent().path,
                filesystem: Machine.commandOutput(["stat", "-f", "-c", "%T", root.path]),
                fsyncProbeBefore: fsyncBefore,
                fsyncProbeAfter: fsyncAfter),
            configuration: .init(
                secondsPerCell: seconds, roundsPerCell: rounds, writers: levels, modes: WriteMode.allCases,
                synchronous: "FULL", journalMode: "WAL", maximumBatchSize: maximumBatchSize,
                rowPayloadBytes: BenchSchema.payloadSize),
            cells: cells,
            ratios: Report.ratios(of: cells))

        print(report.table)
        let data = try report.json()
        if let json {
            try data.write(to: URL(fileURLWithPath: json))
            log("JSON written to \(json)")
        } else {
            print()
            print(String(decoding: data, as: UTF8.self))
        }

        let broken = cells.filter { $0.rowsInTable != $0.writes || $0.synchronous != 2 }
        if !broken.isEmpty {
            throw BenchError.verification(
                "rows in table differ from acknowledged writes, or synchronous is not FULL, in: "
                    + broken.map { "\($0.writers) \($0.mode.rawValue)" }.joined(separator: ", "))
        }
    }

    /// The SQLite version the store reports, from a store opened only to ask.
    private func sqliteVersion(in root: URL) throws -> String {
        let directory = root.appendingPathComponent("version", isDirectory: true)
        var configuration = StoreConfiguration(directory: directory)
        configuration.logger.logLevel = .warning
        let store = try VoucherdStore(configuration: configuration)
        let version = store.sqliteVersion
        try store.pool.close()
        try? FileManager.default.removeItem(at: directory)
        return version
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
