import GRPCCore
import Logging
import Prometheus
import Testing
import VoucherdRuntime

@Suite("Call observability interceptor")
struct CallObservabilityInterceptorTests {
    /// An interceptor writing JSON lines to `sink` and metrics to `registry`.
    func makeInterceptor(sink: LineSink, registry: PrometheusCollectorRegistry) -> CallObservabilityInterceptor {
        let logger = Logger(label: "voucherd.rpc") { label in JSONLogHandler(label: label, output: { sink.append($0) }) }
        return CallObservabilityInterceptor(logger: logger, metricsFactory: PrometheusMetricsFactory(registry: registry))
    }

    /// Runs a call through the interceptor; the handler records the bound trace id.
    func call(
        _ interceptor: CallObservabilityInterceptor,
        metadata: Metadata = [:],
        seen: LineSink,
        failWith error: RPCError? = nil
    ) async throws -> StreamingServerResponse<String> {
        try await interceptor.intercept(request: makeRequest(metadata: metadata), context: makeContext()) { _, _ in
            seen.append(TraceContext.current?.traceID ?? "none")
            if let error { throw error }
            return StreamingServerResponse(single: ServerResponse(message: "ok"))
        }
    }

    @Test("an incoming traceparent is continued and bound for the handler and the producer")
    func continuesTrace() async throws {
        let sink = LineSink()
        let seen = LineSink()
        let interceptor = self.makeInterceptor(sink: sink, registry: PrometheusCollectorRegistry())
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let response = try await self.call(interceptor, metadata: ["traceparent": "00-\(traceID)-00f067aa0ba902b7-01"], seen: seen)
        #expect(seen.lines == [traceID])
        #expect(sink.lines.isEmpty, "logged only when the response has been produced")
        let contents = try response.accepted.get()
        let writer = CollectingWriter()
        _ = try await contents.producer(RPCWriter(wrapping: writer))
        #expect(writer.written == ["ok"])

        let line = try #require(try sink.objects().first)
        #expect(line["message"] as? String == "rpc finished")
        #expect(line["method"] as? String == "voucherd.v1.Redemption/Redeem")
        #expect(line["peer"] as? String == "ipv4:127.0.0.1:5000")
        #expect(line["trace_id"] as? String == traceID)
        #expect(line["code"] as? String == "ok")
        #expect(Double(line["duration_ms"] as? String ?? "") != nil)
    }

    @Test("a missing or malformed traceparent starts a new trace", arguments: [nil, "00-zz-00f067aa0ba902b7-01"] as [String?])
    func newTrace(traceparent: String?) async throws {
        let seen = LineSink()
        let interceptor = self.makeInterceptor(sink: LineSink(), registry: PrometheusCollectorRegistry())
        var metadata = Metadata()
        if let traceparent { metadata.addString(traceparent, forKey: "traceparent") }
        _ = try await self.call(interceptor, metadata: metadata, seen: seen)
        let traceID = try #require(seen.lines.first)
        #expect(traceID.count == 32)
        #expect(TraceContext(traceparent: "00-\(traceID)-00f067aa0ba902b7-01") != nil)
    }

    @Test("requests and durations are recorded with method and code labels only")
    func metrics() async throws {
        let registry = PrometheusCollectorRegistry()
        let sink = LineSink()
        let interceptor = self.makeInterceptor(sink: sink, registry: registry)
        let seen = LineSink()
        for _ in 0..<2 {
            let response = try await self.call(interceptor, seen: seen)
            _ = try await response.accepted.get().producer(RPCWriter(wrapping: CollectingWriter()))
        }
        await #expect(throws: RPCError.self) {
            _ = try await self.call(interceptor, seen: seen, failWith: RPCError(code: .permissionDenied, message: "no"))
        }
        let text = registry.emitToString()
        #expect(text.contains(#"voucherd_rpc_requests_total{method="voucherd.v1.Redemption/Redeem",code="ok"} 2"#))
        #expect(text.contains(#"voucherd_rpc_requests_total{method="voucherd.v1.Redemption/Redeem",code="permissionDenied"} 1"#))
        #expect(text.contains(#"voucherd_rpc_duration_seconds_count{method="voucherd.v1.Redemption/Redeem",code="ok"} 2"#))
        #expect(text.contains(#"voucherd_rpc_duration_seconds_count{method="voucherd.v1.Redemption/Redeem",code="permissionDenied"} 1"#))
        for line in text.split(separator: "\n") where line.hasPrefix("voucherd_rpc") {
            #expect(!line.contains("peer"))
            #expect(!line.contains("trace"))
        }
        // A refusal the caller caused is logged at info; a server fault at warning.
        let refusal = try #require(try sink.objects().last)
        #expect(refusal["code"] as? String == "permissionDenied")
        #expect(refusal["level"] as? String == "info")
        await #expect(throws: RPCError.self) {
            _ = try await self.call(interceptor, seen: seen, failWith: RPCError(code: .internalError, message: "bug"))
        }
        let fault = try #require(try sink.objects().last)
        #expect(fault["code"] as? String == "internalError")
        #expect(fault["level"] as? String == "warning")
    }
}
