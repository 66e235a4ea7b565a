import VoucherdModel
import GRPCCore
import Synchronization
import Testing
import VoucherdRuntime

/// Monotonic seconds tests move by hand.
final class ManualSeconds: Sendable {
    private let value = Mutex(0.0)
    func now() -> Double { self.value.withLock { $0 } }
    func advance(by seconds: Double) { self.value.withLock { $0 += seconds } }
}

@Suite struct RateLimitInterceptorTests {
    func call(
        _ interceptor: RateLimitInterceptor,
        metadata: Metadata = [:],
        principal: Principal? = nil,
        context: ServerContext = makeContext()
    ) async throws {
        let probe = HandlerProbe()
        _ = try await Principal.$current.withValue(principal) {
            try await interceptor.intercept(request: makeRequest(metadata: metadata), context: context, next: probe.next)
        }
        #expect(probe.principals.count == 1)
    }

    @Test func limitedCallGetsResourceExhaustedWithRetryHints() async throws {
        let seconds = ManualSeconds()
        let interceptor = RateLimitInterceptor(
            configuration: .init(perPrincipal: RateLimit(ratePerSecond: 2, burst: 2)),
            now: { seconds.now() }
        )
        let alice = Principal(subject: "alice", role: .consumer)
        try await self.call(interceptor, principal: alice)
        try await self.call(interceptor, principal: alice)
        let error = await #expect(throws: RPCError.self) { try await self.call(interceptor, principal: alice) }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message.contains("principal") == true)
        #expect(error.map { Array($0.metadata[stringValues: "retry-after-ms"]) } == ["500"])
        #expect(error.map { Array($0.metadata[stringValues: "grpc-retry-pushback-ms"]) } == ["500"])

        // Another principal has its own bucket; alice recovers after the hinted wait.
        try await self.call(interceptor, principal: Principal(subject: "bob", role: .consumer))
        seconds.advance(by: 0.5)
        try await self.call(interceptor, principal: alice)
    }

    @Test func limitsPerDevice() async throws {
        let seconds = ManualSeconds()
        let interceptor = RateLimitInterceptor(
            configuration: .init(perDevice: RateLimit(ratePerSecond: 1, burst: 1)),
            now: { seconds.now() }
        )
        try await self.call(interceptor, metadata: ["x-device-id": "phone-1"])
        try await self.call(interceptor, metadata: ["x-device-id": "phone-2"])
        let error = await #expect(throws: RPCError.self) {
            try await self.call(interceptor, metadata: ["x-device-id": "phone-1"])
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message.contains("device") == true)
        #expect(error.map { Array($0.metadata[stringValues: "retry-after-ms"]) } == ["1000"])
        // Without a device id the device limit does not apply.
        try await self.call(interceptor)
        try await self.call(interceptor)
    }

    @Test func limitsPerClientAddressIgnoringPort() async throws {
        let seconds = ManualSeconds()
        let interceptor = RateLimitInterceptor(
            configuration: .init(perClientAddress: RateLimit(ratePerSecond: 10, burst: 2)),
            now: { seconds.now() }
        )
        try await self.call(interceptor, context: makeContext(remotePeer: "ipv4:10.0.0.1:5000"))
        try await self.call(interceptor, context: makeContext(remotePeer: "ipv4:10.0.0.1:5001"))
        try await self.call(interceptor, context: makeContext(remotePeer: "ipv4:10.0.0.2:5000"))
        let error = await #expect(throws: RPCError.self) {
            try await self.call(interceptor, context: makeContext(remotePeer: "ipv4:10.0.0.1:6000"))
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message.contains("client address") == true)
    }

    @Test func exemptMethodsAreNotLimited() async throws {
        var configuration = RateLimitInterceptor.Configuration(perClientAddress: RateLimit(ratePerSecond: 1, burst: 1))
        configuration.exemptMethods = ["Check"]
        let interceptor = RateLimitInterceptor(configuration: configuration, now: { 0 })
        for _ in 0..<5 {
            try await self.call(interceptor, context: makeContext(method: "Check", service: "grpc.health.v1.Health"))
        }
        try await self.call(interceptor)
        await #expect(throws: RPCError.self) { try await self.call(interceptor) }
    }

    @Test(arguments: [
        ("ipv4:127.0.0.1:5000", "ipv4:127.0.0.1"),
        ("ipv6:[::1]:5000", "ipv6:[::1]"),
        ("ipv4:127.0.0.1", "ipv4:127.0.0.1"),
        ("unix:/tmp/socket", "unix:/tmp/socket"),
        ("in-process", "in-process"),
    ])
    func clientAddressParsing(peer: String, address: String) {
        #expect(RateLimitInterceptor.clientAddress(fromPeer: peer) == address)
    }

    @Test func limiterForgetsIdleKeysWhenFull() {
        let seconds = ManualSeconds()
        let limiter = RateLimiter(limit: RateLimit(ratePerSecond: 1, burst: 1), maximumKeys: 10, now: { seconds.now() })
        for index in 0..<10 {
            #expect(limiter.check("k\(index)") == .allowed)
        }
        #expect(limiter.keyCount == 10)
        seconds.advance(by: 5)
        #expect(limiter.check("new") == .allowed)
        #expect(limiter.keyCount == 1)
        for index in 0..<20 {
            _ = limiter.check("busy\(index)")
        }
        #expect(limiter.keyCount <= 10)
    }
}
