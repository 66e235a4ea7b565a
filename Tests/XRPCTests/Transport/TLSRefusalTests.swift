import Foundation
import GRPCCore
import NIOSSL
import Testing
import VoucherdModel
import XRPC
import XRPCTestSupport

/// Clients that must not get in, and the server carrying on serving the ones that may.
@Suite("TLS refusals", .timeLimit(.minutes(2)))
struct TLSRefusalTests {
    enum BadClient: String, CaseIterable, CustomTestStringConvertible {
        case foreignCA = "certificate from another CA"
        case noCertificate = "no client certificate"
        case expired = "expired certificate"
        case untrustedServer = "client does not trust the server's CA"

        var testDescription: String { self.rawValue }

        func tls(_ pki: TestPKI) -> XRPCClientTLS {
            switch self {
            case .foreignCA: pki.clientTLS(identity: pki.foreignClient)
            case .noCertificate: pki.anonymousClientTLS
            case .expired: pki.clientTLS(identity: pki.expiredClient)
            case .untrustedServer: pki.clientTLS(trusting: pki.foreignCAPEM)
            }
        }
    }

    @Test("is refused, and the server keeps serving others", arguments: BadClient.allCases)
    func refused(client bad: BadClient) async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)]) { endpoint in
            let error = await rpcError {
                try await TestHarness.withClient(endpoints: [endpoint], tls: bad.tls(pki)) { client in
                    _ = try await client.echo(.with(payload: "should not arrive"))
                }
            }
            #expect(error?.code == .unavailable, "got \(String(describing: error))")
            try await Self.expectServing(endpoint: endpoint, pki: pki)
        }
    }

    @Test("a TLS 1.2-only client fails the handshake")
    func tls12Refused() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            let options = RawXRPCConnection.TLSOptions(
                certificate: pki.client.certificate, key: pki.client.key, trustRoots: pki.caPEM, maximumVersion: .tlsv12
            )
            await #expect(throws: (any Error).self) {
                try await RawXRPCConnection.with(port: endpoint.port, tls: options) { connection in
                    try await connection.handshake()
                }
            }
            try await Self.expectServing(endpoint: endpoint, pki: pki)
        }
    }

    @Test("a client that does not negotiate ALPN xrpc/1 is closed without a frame", arguments: [["h2"], []])
    func wrongALPN(alpn: [String]) async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            let options = RawXRPCConnection.TLSOptions(certificate: pki.client.certificate, key: pki.client.key, trustRoots: pki.caPEM, alpn: alpn)
            let frames = try await RawXRPCConnection.with(port: endpoint.port, tls: options) { connection in
                try? await connection.send(XRPCPreface.bytes + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
                return try await connection.framesUntilClose()
            }
            #expect(frames.isEmpty)
            try await Self.expectServing(endpoint: endpoint, pki: pki)
        }
    }

    @Test("the server sees the client's certificate identity")
    func peerIdentity() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                let response = try await client.echo(.with(payload: "who am i"))
                #expect(response.peerIdentity == "spiffe://voucherd/test-client")
            }
        }
    }

    /// A well-behaved client still gets an answer.
    static func expectServing(endpoint: XRPCEndpoint, pki: TestPKI) async throws {
        try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
            let response = try await client.echo(.with(payload: "still here"))
            #expect(response.payload == Data("still here".utf8))
        }
    }
}
