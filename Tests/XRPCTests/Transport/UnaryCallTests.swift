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
}
