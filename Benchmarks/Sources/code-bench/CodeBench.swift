import ArgumentParser
import BenchSupport
import Foundation
import GRDB
@_spi(Benchmarks) import IssuanceService
import Logging
import Metrics
import VoucherdStore

/// Bulk code generation through GenerateCodes on a durable store: DESIGN §6's "1M unique codes
/// stored in ≤ 5 s".
@main
struct CodeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code-bench",
        abstract: "Times GenerateCodes storing COUNT codes on a fresh synchronous=FULL store.",
        discussion: """
            Each run opens a fresh store in a temporary directory with the production settings, \
            creates and activates a code campaign through the IssuanceService library, and calls \
            its GenerateCodes handler as the RPC server would. Meanwhile a probe makes a trivial \
            durable write every few milliseconds, and the store's writer reports how long each \
            transaction held it. Afterwards the table must hold exactly COUNT distinct codes and \
            ExportCodes must give them all back valid. Prints a table, then the JSON (to stdout, or \
            to --json PATH). Progress goes to stderr.
            """)

    @Option(help: "Codes per run.")
    var count: Int = 1_000_000

    @Option(help: "Runs, each on a fresh store; the summary takes the median.")
    var runs: Int = 3

    @Option(help: "Codes another campaign stores first in each run, untimed: generation into a store that already holds codes.")
    var existingCodes: Int = 0

    @Option(help: "Comma-separated codes per transaction to compare, each with --runs runs; default: the RPC handler's own.")
    var chunkSizes: String?

    @Option(help: "Milliseconds between probe writes; 0 turns the probe off.")
    var probeIntervalMs: Int = 10

    @Flag(inversion: .prefixedNo, help: "Read every code back through ExportCodes and check it.")
    var exportCheck = true

    @Option(help: "Write the JSON here instead of to stdout.")
    var json: String?

    func run() async throws {
        guard (1...10_000_000).contains(self.count) else { throw BenchError.invalidArgument("--count must be 1...10000000") }
        guard (0...10_000_000).contains(self.existingCodes) else { throw BenchError.invalidArgument("--existing-codes must be 0...10000000") }
        guard self.runs > 0 else { throw BenchError.invalidArgument("--runs must be positive") }
        guard self.probeIntervalMs >= 0 else { throw BenchError.invalidArgument("--probe-interval-ms must not be negative") }

        let sizes: [IssuanceService.CodeRunSizes?] = try self.chunkSizes.map { list in
            try list.split(separator: ",").map { text in
                guard let chunk = Int(text.trimmingCharacters(in: .whitespaces)), chunk > 0 else {
                    throw BenchError.invalidArgument("--chunk-sizes: '\(text)' is not a positive integer")
                }
                return IssuanceService.CodeRunSizes(chunk: chunk, window: IssuanceService.CodeRunSizes.standard.window)
            }
        } ?? [nil]

        let commitTimes = CommitTimes()
        MetricsSystem.bootstrap(commitTimes)
        let date = ISO8601DateFormatter().string(from: Date())
        let loadBefore = Machine.loadAverage()
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("voucherd-code-bench-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        var results: [RunResult] = []
        // Run by run, each chunk size in turn, so a busy spell of the shared box hits them all.
        for index in 1...self.runs {
            for size in sizes {
                let runner = RunRunner(
                    count: self.count, existing: self.existingCodes, sizes: size,
                    probeInterval: self.probeIntervalMs > 0 ? .milliseconds(self.probeIntervalMs) : nil,
                    checkExport: self.exportCheck, commitTimes: commitTimes)
                let chunk = (size ?? .standard).chunk
                log("run \(index)/\(self.runs), \(chunk) codes per chunk: \(self.count) codes, load average \(Machine.loadAverage())")
                let result = try await runner.run(in: root.appendingPathComponent("run-\(index)-\(chunk)", isDirectory: true))
                log(
                    "  \(String(format: "%.2f", result.elapsedSeconds)) s, \(Int(result.codesPerSecond)) codes/s, "
                        + "CPU \(String(format: "%.2f", result.cpuSeconds)) s, longest writer transaction "
                        + "\(String(format: "%.1f", result.writerTransactions.maxMilliseconds)) ms")
                results.append(result)
            }
        }

        let report = Report(
            date: date,
            command: CommandLine.arguments.joined(separator: " "),
            machine: Machine(
                uname: Machine.commandOutput(["uname", "-a"]),
                nproc: ProcessInfo.processInfo.activeProcessorCount,
                cpu: Machine.cpuModel(),
                swift: Machine.commandOutput(["swift", "--version"]).split(separator: "\n").first.map(String.init) ?? "unknown",
                sqliteVersion: try self.sqliteVersion(in: root),
                storeDirectory: root.deletingLastPathComponent().path,
                filesystem: Machine.commandOutput(["stat", "-f", "-c", "%T", root.path]),
                loadAverageBefore: loadBefore,
                loadAverageAfter: Machine.loadAverage()),
            configuration: .init(
                count: self.count, existingCodes: self.existingCodes, runs: self.runs, standardChunkSize: IssuanceService.CodeRunSizes.standard.chunk,
                chunkSizes: sizes.map { ($0 ?? .standard).chunk },
                probeIntervalMilliseconds: self.probeIntervalMs > 0 ? self.probeIntervalMs : nil,
                checkExport: self.exportCheck),
            runs: results,
            summaries: Set(results.map(\.chunkSize)).sorted().map { chunk in
                .init(chunkSize: chunk, runs: results.filter { $0.chunkSize == chunk }, targetSeconds: 5 * Double(self.count) / 1_000_000)
            })

        print(report.table)
        let data = try report.json()
        if let json {
            try data.write(to: URL(fileURLWithPath: json))
            log("JSON written to \(json)")
        } else {
            print()
            print(String(decoding: data, as: UTF8.self))
        }

        let problems = results.flatMap { run in run.problems.map { "chunk \(run.chunkSize): \($0)" } }
        if !problems.isEmpty { throw BenchError.verification(problems.joined(separator: "; ")) }
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
