import GRPCCore
import Testing
@testable import VoucherdRuntime

@Suite("W3C trace context")
struct TraceContextTests {
    @Test("a well-formed traceparent parses and round-trips")
    func parses() throws {
        let value = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let context = try #require(TraceContext(traceparent: value))
        #expect(context.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.spanID == "00f067aa0ba902b7")
        #expect(context.flags == "01")
        #expect(context.traceparent == value)
    }

    @Test(
        "malformed values are rejected",
        arguments: [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba9g2b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ]
    )
    func rejects(value: String) {
        #expect(TraceContext(traceparent: value) == nil)
    }

    @Test("new traces and child spans are valid and distinct")
    func generates() throws {
        let trace = TraceContext.newTrace()
        #expect(TraceContext(traceparent: trace.traceparent) == trace)
        let child = trace.childSpan()
        #expect(child.traceID == trace.traceID)
        #expect(child.spanID != trace.spanID)
        #expect(TraceContext(traceparent: child.traceparent) == child)
        #expect(TraceContext.newTrace().traceID != trace.traceID)
        // Every digit position is random: none stays fixed across traces.
        let ids = (0..<64).map { _ in Array(TraceContext.newTrace().traceparent.utf8) }
        for position in ids[0].indices where ![0, 1, 2, 35, 52, 53, 54].contains(position) {
            #expect(Set(ids.map { $0[position] }).count >= 4, "position \(position) of the traceparent barely varies")
        }
    }

    @Test("ids come from SplitMix64 and do not repeat")
    func idSource() {
        // SplitMix64's published first output for the seed 0.
        #expect(IDSource.mix(0x9E37_79B9_7F4A_7C15) == 0xE220_A839_7B1D_CDAF)
        let draws = (0..<100_000).map { _ in IDSource.next() }
        #expect(Set(draws).count == draws.count)
        #expect(Set(draws.map { $0 >> 60 }).count == 16, "the top bits barely vary")
    }

    @Test("the client interceptor continues the current trace with a new span")
    func clientPropagation() async throws {
        let interceptor = TraceClientInterceptor()
        let seen = LineSink()
        let context = ClientContext(
            descriptor: MethodDescriptor(fullyQualifiedService: "voucherd.v1.Identity", method: "Resolve"),
            remotePeer: "ipv4:127.0.0.1:7443",
            localPeer: "ipv4:127.0.0.1:5000"
        )
        let next: @Sendable (StreamingClientRequest<String>, ClientContext) async throws -> StreamingClientResponse<String> = {
            request, _ in
            for value in request.metadata[stringValues: TraceContext.metadataKey] { seen.append(value) }
            return StreamingClientResponse(of: String.self, error: RPCError(code: .unavailable, message: "test"))
        }
        var metadata = Metadata()
        metadata.addString("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", forKey: "traceparent")
        let request = StreamingClientRequest<String>(metadata: metadata, producer: { _ in })

        _ = try await interceptor.intercept(request: request, context: context, next: next)
        #expect(seen.lines == ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"], "no current trace: untouched")

        let trace = TraceContext.newTrace()
        try await TraceContext.$current.withValue(trace) {
            _ = try await interceptor.intercept(request: request, context: context, next: next)
        }
        try #require(seen.lines.count == 2)
        let sent = try #require(TraceContext(traceparent: seen.lines[1]))
        #expect(sent.traceID == trace.traceID)
        #expect(sent.spanID != trace.spanID)
    }
}
