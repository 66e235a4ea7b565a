import Foundation
import GRPCCore
import NIOCore
import Testing
import VoucherdModel
import XRPC
import XRPCTestSupport

@Suite("Graceful server shutdown", .timeLimit(.minutes(2)))
struct GracefulShutdownTests {
    @Test("calls in flight finish; new connections are refused; serve() returns")
    func drainsInFlightCalls() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        let transport = try XRPCServerTransport(host: "127.0.0.1", port: 0, tls: pki.serverTLS)
        let server = GRPCServer(transport: transport, services: [TestingService(events: events)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let port = try await transport.listeningAddress.port ?? 0
            let endpoint = XRPCEndpoint(host: "127.0.0.1", port: port)
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                async let inFlight = client.echo(.with(payload: "finish me", delayMillis: 500))
                try await events.wait(for: "started:Echo")
                server.beginGracefulShutdown()
                let response = try await inFlight
                #expect(response.payload == Data("finish me".utf8))
            }
            // serve() returns once the drained connection has closed.
            try await group.next()
            let error = await rpcError {
                try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                    _ = try await client.echo(.with(payload: "too late"))
                }
            }
            #expect(error?.code == .unavailable)
        }
    }
}
