import Foundation
import GRPCCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("GRPCCore retry and hedging policies over XRPC", .timeLimit(.minutes(2)))
struct RetryPolicyTests {
    static let echo = MethodConfig.Name(service: "voucherd.v1.Testing", method: "Echo")

    static func retrying(maxAttempts: Int, throttle: RetryThrottle? = nil) -> XRPCClientTransport.Config {
        var config = XRPCClientTransport.Config.defaults
        config.methodConfigs = [MethodConfig(names: [Self.echo], executionPolicy: .retry(RetryPolicy(
            maxAttempts: maxAttempts,
            initialBackoff: .milliseconds(1),
            maxBackoff: .milliseconds(5),
            backoffMultiplier: 2,
            retryableStatusCodes: [.unavailable]
        )))]
        config.retryThrottle = throttle
        return config
    }

    @Test("a retry policy retries UNAVAILABLE from the handler up to maxAttempts")
    func retryPolicy() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)]) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki, config: Self.retrying(maxAttempts: 3)) { client, _ in
                let error = await rpcError { _ = try await client.echo(.with(payload: "x", failCode: 14, failMessage: "busy", delayMillis: 1)) }
                #expect(error?.code == .unavailable)
            }
        }
        #expect(events.count("started:Echo") == 3)
    }

    @Test("a retry policy retries a call whose connection could not be opened")
    func retryPolicyOverConnectFailures() async throws {
        let pki = try TestPKI.make()
        let dead = try await ClientTest.deadEndpoint()
        var config = Self.retrying(maxAttempts: 4)
        config.backoff = XRPCBackoff(initial: .zero, maximum: .zero, multiplier: 1, jitter: 0)
        try await ClientTest.withClient(endpoints: [dead], pki: pki, config: config) { client, transport in
            let error = await rpcError { _ = try await client.echo(.with(payload: "x")) }
            #expect(error?.code == .unavailable)
            #expect(transport.pool.connectionAttempts == 4)
        }
    }

    @Test("the configured retry throttle stops retries once failures have used up its tokens")
    func retryThrottle() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        // 4 tokens, threshold 2: the first call's second failure reaches it; the next call's
        // first failure stays below it.
        let throttle = RetryThrottle(maxTokens: 4, tokenRatio: 0.1)
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)]) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki, config: Self.retrying(maxAttempts: 5, throttle: throttle)) { client, transport in
                #expect(transport.retryThrottle === throttle)
                for _ in 0..<2 {
                    let error = await rpcError { _ = try await client.echo(.with(payload: "x", failCode: 14, delayMillis: 1)) }
                    #expect(error?.code == .unavailable)
                }
            }
        }
        #expect(events.count("started:Echo") == 3)
    }

    @Test("a hedging policy sends the call up to maxAttempts times")
    func hedging() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        var config = XRPCClientTransport.Config.defaults
        config.methodConfigs = [MethodConfig(names: [Self.echo], executionPolicy: .hedge(HedgingPolicy(
            maxAttempts: 3,
            hedgingDelay: .milliseconds(1),
            nonFatalStatusCodes: [.unavailable]
        )))]
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)]) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki, config: config) { client, _ in
                let error = await rpcError { _ = try await client.echo(.with(payload: "x", failCode: 14, delayMillis: 1)) }
                #expect(error?.code == .unavailable)
            }
        }
        #expect(events.count("started:Echo") == 3)
    }
}
