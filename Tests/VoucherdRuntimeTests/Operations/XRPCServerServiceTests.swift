import Foundation
import GRPCCore
import Logging
import Prometheus
import ServiceLifecycle
import Testing
import VoucherdModel
import VoucherdRuntime
import XRPC
import XRPCTestSupport

@Suite("XRPC server as a lifecycle service", .timeLimit(.minutes(2)))
struct XRPCServerServiceTests {
    static func echo(_ payload: String, delayMillis: UInt32 = 0) -> Voucherd_V1_EchoRequest {
        var request = Voucherd_V1_EchoRequest()
        request.payload = Data(payload.utf8)
        request.delayMillis = delayMillis
        return request
    }

    @Test("graceful shutdown drains the call in flight, then the group's run returns")
    func drainsOnGracefulShutdown() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        let readiness = Readiness(ready: true)
        let registry = PrometheusCollectorRegistry()
        let transport = try XRPCServerTransport(host: "127.0.0.1", port: 0, tls: pki.serverTLS)
        let service = XRPCServerService(
            transport: transport,
            services: [TestingService(events: events)],
            interceptors: [CallObservabilityInterceptor(metricsFactory: PrometheusMetricsFactory(registry: registry))],
            readiness: readiness
        )
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let endpoint = XRPCEndpoint(host: "127.0.0.1", port: try await service.port)
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                async let inFlight = client.echo(Self.echo("finish me", delayMillis: 500))
                try await events.wait(for: "started:Echo")
                await group.triggerGracefulShutdown()
                let response = try await inFlight
                #expect(response.payload == Data("finish me".utf8))
            }
            try await tasks.next()
        }
        #expect(!readiness.isReady)
        #expect(registry.emitToString().contains(#"voucherd_rpc_requests_total{method="voucherd.v1.Testing/Echo",code="ok"} 1"#))
    }

    @Test("a client with TraceClientInterceptor continues the caller's trace on the server")
    func propagatesTrace() async throws {
        let pki = try TestPKI.make()
        let transport = try XRPCServerTransport(host: "127.0.0.1", port: 0, tls: pki.serverTLS)
        let service = XRPCServerService(transport: transport, services: [TestingService()])
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let endpoint = XRPCEndpoint(host: "127.0.0.1", port: try await service.port)
            let clientTransport = try XRPCClientTransport(endpoints: [endpoint], tls: pki.clientTLS())
            let trace = TraceContext.newTrace()
            let echoed = try await withGRPCClient(transport: clientTransport, interceptors: [TraceClientInterceptor()]) { client in
                try await TraceContext.$current.withValue(trace) {
                    try await Voucherd_V1_Testing.Client(wrapping: client).echo(Self.echo("traced")).metadata
                }
            }
            let sent = try #require(echoed.first(where: { $0.hasPrefix("traceparent=") }))
            let context = try #require(TraceContext(traceparent: String(sent.dropFirst("traceparent=".count))))
            #expect(context.traceID == trace.traceID)
            #expect(context.spanID != trace.spanID)
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
    }
}
