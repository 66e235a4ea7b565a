/// One of issue 7's performance targets, and whether this run met it.
struct TargetCheck: Codable, Sendable {
    var target: String
    var measured: String
    /// Nil when the run did not include the cells the target needs.
    var met: Bool?

    static func all(cells: [CellResult], ratios: [Ratio]) -> [TargetCheck] {
        var checks: [TargetCheck] = []
        for payload in [64, 16_384] {
            let ratio = ratios.first {
                $0.call == .unary && $0.payloadBytes == payload && $0.load == "64" && $0.against == .http2Tuned
            }
            checks.append(TargetCheck(
                target: "unary \(payload) B, 64 in flight, 1 connection: XRPC ≥ 2× http2-8mib calls/s and ≤ 0.5× its p99",
                measured: ratio.map { "throughput \(Report.format($0.throughput, 2))×, p99 \($0.p99.map { Report.format($0, 2) } ?? "n/a")×" }
                    ?? "not run",
                met: ratio.map { $0.throughput >= 2 && ($0.p99 ?? .infinity) <= 0.5 }))
        }
        let single = cells.first { $0.transport == .xrpc && $0.call == .unary && $0.payloadBytes == 64 && $0.load == "1" }
        checks.append(TargetCheck(
            target: "XRPC unary 64 B, 1 call in flight: p50 ≤ 150 µs",
            measured: single.map { "p50 \($0.latencyMicroseconds.p50) µs, \($0.failures) failures" } ?? "not run",
            met: single.map { $0.calls > 0 && $0.failures == 0 && $0.latencyMicroseconds.p50 <= 150 }))
        return checks
    }
}
