import Foundation
import GRPCCore
import Testing
import VoucherdModel
import XRPC
import XRPCTestSupport

@Suite("Message size limits through the Swift client", .timeLimit(.minutes(2)))
struct MessageLimitTests {
    @Test("messages larger than a frame are fragmented and arrive whole, both ways")
    func largeMessages() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                let payload = String(repeating: "x", count: 3 * 1_024 * 1_024)
                let response = try await client.echo(.with(payload: payload))
                #expect(response.payload.count == payload.utf8.count)
            }
        }
    }

    @Test("a request over the server's announced limit fails RESOURCE_EXHAUSTED without being sent")
    func requestOverServerLimit() async throws {
        let pki = try TestPKI.make()
        var config = XRPCServerTransport.Config.defaults
        config.settings.maxMessageSize = 64 * 1_024
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)], config: config) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                let error = await rpcError {
                    _ = try await client.echo(.with(payload: String(repeating: "x", count: 100_000), delayMillis: 1))
                }
                #expect(error?.code == .resourceExhausted)
                #expect(error?.message.contains("65536") == true)
                #expect(events.count("started:Echo") == 0)
                // The connection is still good.
                let small = try await client.echo(.with(payload: "small"))
                #expect(small.payload == Data("small".utf8))
            }
        }
    }

    @Test("a response over the client's announced limit fails RESOURCE_EXHAUSTED")
    func responseOverClientLimit() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            var config = XRPCClientTransport.Config.defaults
            config.settings.maxMessageSize = 64 * 1_024
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS(), config: config) { client in
                var request = Voucherd_V1_EchoRequest.with(repeat: 1)
                request.responseSize = 200_000
                let error = await rpcError {
                    _ = try await client.expand(request) { response in
                        for try await _ in response.messages {}
                    }
                }
                #expect(error?.code == .resourceExhausted)
                let small = try await client.echo(.with(payload: "small"))
                #expect(small.payload == Data("small".utf8))
            }
        }
    }
}
