import Prometheus

/// The admin endpoints' logic, kept out of the channel code: `GET /metrics`, `/healthz`,
/// `/readyz`; anything else is 404 (405 for a known path with another method).
struct AdminRoutes: Sendable {
    let registry: PrometheusCollectorRegistry
    let readiness: Readiness

    func respond(method: String, path: String) -> AdminResponse {
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        let known = ["/metrics", "/healthz", "/readyz"]
        guard known.contains(bare) else { return .text(404, "not found\n") }
        guard method == "GET" || method == "HEAD" else { return .text(405, "method not allowed\n") }
        switch bare {
        case "/metrics":
            var buffer: [UInt8] = []
            self.registry.emit(into: &buffer)
            return AdminResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: buffer)
        case "/healthz":
            return .text(200, "ok\n")
        default:
            return self.readiness.isReady ? .text(200, "ready\n") : .text(503, "not ready\n")
        }
    }
}
