import ArgumentParser
import BenchSupport
import Foundation
import NIOCore

/// XRPC/1 against gRPC over HTTP/2, with the in-process transport as the ceiling and a bare
/// length-prefixed echo over mutual TLS as the floor.
@main
struct XRPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xrpc-bench",
        abstract: "Echo throughput and latency: XRPC/1 vs gRPC over HTTP/2, in-process, and raw TLS.",
        discussion: """
            Every transport serves the same echo service in this process, on 127.0.0.1. For \
            each (call, payload, load) the transports take turns: each gets a warm-up, then \
            the cell's time is split into rounds whose order rotates, so a noisy spell of a \
            shared machine hits every transport. Prints a table, then the JSON (to stdout, or \
            to --json PATH). Progress goes to stderr.
            """)

    @Option(help: "Comma-separated transports: xrpc, http2-8mib, http2-default, inprocess, raw-tls.")
    var transports: String = TransportKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Comma-separated call shapes: unary, server-streaming.")
    var calls: String = CallKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Comma-separated payload sizes in bytes (for streams: each response's).")
    var payloads: String = "64,16384"

    @Option(help: "Unary loads: N is N calls in flight on one connection; Nc is N connections, one call each.")
    var loads: String = "1,16,64,256,64c"

    @Option(help: "Server-streaming loads, as --loads.")
    var streamLoads: String = "1,16"

    @Option(help: "Responses per server-streaming call.")
    var streamMessages: Int = 100

    @Option(help: "Seconds each cell (one transport at one call, payload and load) is measured.")
    var seconds: Double = 4

    @Option(help: "Rounds each cell's time is split into, the transports' order rotating.")
    var rounds: Int = 4

    @Option(help: "Seconds of unrecorded calls on fresh connections before a cell's rounds.")
    var warmup: Double = 1

    @Option(help: "Write the JSON here instead of to stdout.")
    var json: String?

    /// What the tuned HTTP/2 row sets `targetWindowSize` to, on both sides.
    static let tunedWindow = 8 * 1024 * 1024

    func run() async throws {
        let transportKinds = try Self.parseList(transports, "--transports") { TransportKind(rawValue: String($0)) }
        let callKinds = try Self.parseList(calls, "--calls") { CallKind(rawValue: String($0)) }
        let payloadSizes = try Self.parseList(payloads, "--payloads") { Int($0).flatMap { $0 >= 0 ? $0 : nil } }
        let unaryLoads = try Self.parseList(loads, "--loads") { Load(parsing: $0) }
        let streamingLoads = try Self.parseList(streamLoads, "--stream-loads") { Load(parsing: $0) }
        guard seconds > 0, rounds > 0, warmup >= 0, streamMessages > 0 else {
            throw BenchError.invalidArgument("--seconds, --rounds and --stream-messages must be positive, --warmup not negative")
        }

        let date = ISO8601DateFormatter().string(from: Date())
        var machine = Machine.describe()
        let pki = try BenchPKI.make()
        var targets: [any EchoTarget] = []
        for kind in transportKinds { targets.append(try await Self.start(kind, pki: pki)) }

        var keys: [CellKey] = []
        for call in callKinds {
            for payload in payloadSizes {
                for load in call == .unary ? unaryLoads : streamingLoads {
                    keys.append(CellKey(call: call, payloadBytes: payload, load: load))
                }
            }
        }

        let roundDuration = Duration.milliseconds(Int64(seconds * 1000 / Double(rounds)))
        var cells: [CellResult] = []
        for key in keys {
            log("\(key.call.rawValue), \(Report.bytes(key.payloadBytes)), load \(key.load): \(rounds) rounds of \(roundDuration) per transport")
            cells += await measure(key, targets: targets, roundDuration: roundDuration)
        }
        for target in targets { await target.stop() }
        machine.loadAverageAfter = Machine.loadAverage()

        let ratios = Ratio.all(of: cells)
        let report = Report(
            date: date,
            command: CommandLine.arguments.joined(separator: " "),
            machine: machine,
            configuration: .init(
                secondsPerCell: seconds, roundsPerCell: rounds, warmUpSecondsPerCell: warmup,
                transports: transportKinds, calls: callKinds, payloadBytes: payloadSizes,
                unaryLoads: unaryLoads.map(\.description), streamingLoads: streamingLoads.map(\.description),
                streamMessages: streamMessages, http2TunedTargetWindowSize: Self.tunedWindow,
                eventLoopThreads: System.coreCount),
            cells: cells,
            ratios: ratios,
            targets: TargetCheck.all(cells: cells, ratios: ratios))

        print(report.table)
        let data = try report.json()
        if let json {
            try data.write(to: URL(fileURLWithPath: json))
            log("JSON written to \(json)")
        } else {
            print()
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// One (call, payload, load): fresh connections per transport, a warm-up each, then the
    /// rounds with the transports' order rotating, then the connections closed.
    private func measure(_ key: CellKey, targets: [any EchoTarget], roundDuration: Duration) async -> [CellResult] {
        let runner = CellRunner(
            call: key.call, payload: Data(repeating: 0x5A, count: key.payloadBytes), streamMessages: streamMessages)
        var connections: [TransportKind: [any EchoCaller]] = [:]
        var tallies: [TransportKind: Tally] = [:]
        for target in targets {
            var tally = Tally()
            do {
                var callers: [any EchoCaller] = []
                for _ in 0..<key.load.connections { callers.append(try await target.connect()) }
                connections[target.kind] = callers
                await runner.warmUp(
                    callers: callers, inFlightPerConnection: key.load.inFlightPerConnection,
                    duration: .milliseconds(Int64(warmup * 1000)))
            } catch {
                tally.recordFailure(code: "connect", description: "cannot connect: \(error)")
                log("  \(target.kind.rawValue): cannot connect: \(error)")
            }
            tallies[target.kind] = tally
        }
        for round in 0..<rounds {
            // Rotate who goes first, so no transport always follows the same one.
            let first = round % targets.count
            let order = Array(targets[first...] + targets[..<first])
            for target in order {
                guard let callers = connections[target.kind] else { continue }
                let result = await runner.round(
                    callers: callers, inFlightPerConnection: key.load.inFlightPerConnection, duration: roundDuration)
                tallies[target.kind]!.merge(result)
            }
        }
        var cells: [CellResult] = []
        for target in targets {
            for caller in connections[target.kind] ?? [] { await caller.close() }
            let cell = CellResult(key: key, transport: target.kind, tally: tallies[target.kind]!)
            log(
                "  \(target.kind.rawValue): \(Int(cell.callsPerSecond)) calls/s, p50 \(cell.latencyMicroseconds.p50) µs, "
                    + "p99 \(cell.latencyMicroseconds.p99) µs, \(cell.failures) failures"
                    + (cell.firstError.map { " (first: \($0.prefix(160)))" } ?? ""))
            cells.append(cell)
        }
        return cells
    }

    private static func start(_ kind: TransportKind, pki: BenchPKI) async throws -> any EchoTarget {
        switch kind {
        case .xrpc: try await XRPCEchoTarget.start(pki: pki)
        case .http2Tuned: try await HTTP2EchoTarget.start(kind: kind, pki: pki, targetWindowSize: tunedWindow)
        case .http2Default: try await HTTP2EchoTarget.start(kind: kind, pki: pki, targetWindowSize: nil)
        case .inProcess: InProcessEchoTarget()
        case .rawTLS: try await RawEchoTarget.start(pki: pki)
        }
    }

    private static func parseList<T>(_ text: String, _ option: String, _ parse: (Substring) -> T?) throws -> [T] {
        let values = try text.split(separator: ",").map { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let value = parse(Substring(trimmed)) else {
                throw BenchError.invalidArgument("\(option): '\(trimmed)' is not valid")
            }
            return value
        }
        guard !values.isEmpty else { throw BenchError.invalidArgument("\(option): nothing given") }
        return values
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
