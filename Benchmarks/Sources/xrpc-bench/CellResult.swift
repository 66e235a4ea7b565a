import Histogram

/// What one (call, payload, load, transport) cell measured, as written to JSON.
struct CellResult: Codable, Sendable {
    var call: CallKind
    var payloadBytes: Int
    /// `16` is 16 calls in flight on one connection; `64c` is 64 connections, one each.
    var load: String
    var connections: Int
    var inFlight: Int
    var transport: TransportKind
    var rounds: Int
    /// Calls answered correctly.
    var calls: Int
    /// Calls that threw, were cut off by the watchdog, or answered wrongly. Never in the
    /// latencies or the throughput.
    var failures: Int
    var failuresByCode: [String: Int]
    var firstError: String?
    var elapsedSeconds: Double
    var callsPerSecond: Double
    /// Responses per second: equal to calls/s for unary, times the stream length otherwise.
    var messagesPerSecond: Double
    /// Of successful calls, from the call to its last response.
    var latencyMicroseconds: Latency

    struct Latency: Codable, Sendable {
        var p50: UInt64
        var p99: UInt64
        var p999: UInt64
        var max: UInt64
        var mean: Double
    }

    init(key: CellKey, transport: TransportKind, tally: Tally) {
        call = key.call
        payloadBytes = key.payloadBytes
        load = key.load.description
        connections = key.load.connections
        inFlight = key.load.totalInFlight
        self.transport = transport
        rounds = tally.rounds
        calls = tally.calls
        failures = tally.failures
        failuresByCode = tally.failuresByCode
        firstError = tally.firstError
        elapsedSeconds = tally.elapsedSeconds
        callsPerSecond = tally.elapsedSeconds > 0 ? Double(tally.calls) / tally.elapsedSeconds : 0
        messagesPerSecond = tally.elapsedSeconds > 0 ? Double(tally.messages) / tally.elapsedSeconds : 0
        let histogram = tally.histogram
        latencyMicroseconds = tally.calls == 0
            ? Latency(p50: 0, p99: 0, p999: 0, max: 0, mean: 0)
            : Latency(
                p50: histogram.valueAtPercentile(50), p99: histogram.valueAtPercentile(99),
                p999: histogram.valueAtPercentile(99.9), max: histogram.maxRecorded, mean: histogram.mean)
    }
}
