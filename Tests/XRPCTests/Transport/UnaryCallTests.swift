import Foundation
import GRPCCore
import Testing
import VoucherdModel
import XRPC
import XRPCTestSupport

@Suite("Unary calls over loopback mTLS", .timeLimit(.minutes(2)))
struct UnaryCallTests {
    @Test("echo returns the payload, metadata and the caller's certificate identity")
    func echo() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                var request = Voucherd_V1_EchoRequest()
                request.payload = Data("hello".utf8)
                let response = try await client.echo(request, metadata: ["x-trace": "abc"]) { response in
                    #expect(response.metadata[stringValues: "echo-handler"].first(where: { _ in true }) == "unary")
                    #expect(response.trailingMetadata[stringValues: "echo-trailer"].first(where: { _ in true }) == "done")
                    return try response.message
                }
                #expect(response.payload == Data("hello".utf8))
                #expect(response.peerIdentity == "spiffe://voucherd/test-client")
                #expect(response.metadata.contains("x-trace=abc"))
            }
        }
    }

    @Test("handlers run on the connection's event loop unless the server turns it off", arguments: [true, false])
    func handlersOnEventLoop(_ onEventLoop: Bool) async throws {
        let pki = try TestPKI.make()
        var config = XRPCServerTransport.Config.defaults
        config.handlersOnEventLoop = onEventLoop
        try await TestHarness.withServer(pki: pki, config: config) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                for _ in 0..<3 {
                    let seen = try await client.echo(Voucherd_V1_EchoRequest()) { response in
                        _ = try response.message
                        return response.metadata[stringValues: "echo-on-event-loop"].first(where: { _ in true })
                    }
                    #expect(seen == "\(onEventLoop)")
                }
            }
        }
    }
}
