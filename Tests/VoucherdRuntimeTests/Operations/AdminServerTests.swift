import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Testing
import VoucherdRuntime

@Suite("Admin HTTP server", .timeLimit(.minutes(1)))
struct AdminServerTests {
    @Test("healthz, readyz, metrics and 404 over loopback HTTP; graceful shutdown stops it")
    func endpoints() async throws {
        let registry = PrometheusCollectorRegistry()
        let readiness = Readiness()
        let admin = AdminServer(host: "127.0.0.1", port: 0, registry: registry, readiness: readiness)
        Counter(label: "voucherd_test_admin_hits_total", dimensions: [("kind", "probe")], factory: PrometheusMetricsFactory(registry: registry))
            .increment(by: 3)
        let group = ServiceGroup(services: [admin], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await admin.port
            #expect(port > 0)

            let health = try await RawHTTPClient.get("/healthz", port: port)
            #expect(health.status == 200)
            #expect(health.body == "ok\n")

            #expect(try await RawHTTPClient.get("/readyz", port: port).status == 503)
            readiness.markReady()
            #expect(try await RawHTTPClient.get("/readyz", port: port).status == 200)

            let metrics = try await RawHTTPClient.get("/metrics", port: port)
            #expect(metrics.status == 200)
            #expect(metrics.headers.contains("text/plain; version=0.0.4"))
            #expect(metrics.body.contains(#"voucherd_test_admin_hits_total{kind="probe"} 3"#))

            #expect(try await RawHTTPClient.get("/nope", port: port).status == 404)
            #expect(try await RawHTTPClient.get("/healthz", port: port, method: "POST").status == 405)

            await group.triggerGracefulShutdown()
            try await tasks.next()
            await #expect(throws: (any Error).self) { _ = try await RawHTTPClient.get("/healthz", port: port) }
        }
    }
}
