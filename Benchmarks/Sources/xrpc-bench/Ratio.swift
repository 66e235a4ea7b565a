/// XRPC against one HTTP/2 row, for one (call, payload, load).
struct Ratio: Codable, Sendable {
    var call: CallKind
    var payloadBytes: Int
    var load: String
    /// The HTTP/2 row compared with.
    var against: TransportKind
    /// calls/s (XRPC) ÷ calls/s (HTTP/2): above 1 means XRPC is faster.
    var throughput: Double
    /// p99 (XRPC) ÷ p99 (HTTP/2): below 1 means XRPC answers sooner. Nil if either row had
    /// no successful call.
    var p99: Double?
    /// Failed calls on the HTTP/2 row (its latencies and throughput leave them out).
    var againstFailures: Int

    static func all(of cells: [CellResult]) -> [Ratio] {
        var ratios: [Ratio] = []
        for xrpc in cells where xrpc.transport == .xrpc {
            for against in [TransportKind.http2Tuned, .http2Default] {
                guard let other = cells.first(where: {
                    $0.transport == against && $0.call == xrpc.call && $0.payloadBytes == xrpc.payloadBytes
                        && $0.load == xrpc.load
                }) else { continue }
                ratios.append(Ratio(
                    call: xrpc.call, payloadBytes: xrpc.payloadBytes, load: xrpc.load, against: against,
                    throughput: other.callsPerSecond > 0 ? xrpc.callsPerSecond / other.callsPerSecond : .infinity,
                    p99: xrpc.calls > 0 && other.calls > 0
                        ? Double(xrpc.latencyMicroseconds.p99) / Double(max(1, other.latencyMicroseconds.p99)) : nil,
                    againstFailures: other.failures))
            }
        }
        return ratios
    }
}
