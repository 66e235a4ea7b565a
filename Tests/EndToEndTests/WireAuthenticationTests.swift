import Foundation
import GRPCCore
import Testing
import VoucherdModel
import XRPC

/// Invariant 7 over the wire: no call without a valid certificate and token reaches a handler.
/// The server trusts the fixture's test key (`trusted-token-keys`), so expired and
/// mis-addressed tokens are refused for exactly that reason, not for an unknown key.
@Suite("Authentication over the wire", .timeLimit(.minutes(3)))
struct WireAuthenticationTests {
    static let operatorPrincipal = Principal(subject: "acc_e2e_operator", role: .operator)

    @Test("a call without a token is UNAUTHENTICATED")
    func noToken() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                try await identity.withClients(fixture) { client, _ in
                    let error = await rpcError { _ = try await client.whoAmI(Voucherd_V1_WhoAmIRequest()) }
                    #expect(error?.code == .unauthenticated)
                    let create = await rpcError { _ = try await client.createOperator(Voucherd_V1_CreateOperatorRequest()) }
                    #expect(create?.code == .unauthenticated)
                }
            }
        }
    }

    @Test("a token signed by an unknown key is UNAUTHENTICATED")
    func forgedToken() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                let forged = try await fixture.minter.token(for: Self.operatorPrincipal, forged: true)
                try await identity.withClients(fixture) { client, _ in
                    let error = await rpcError { _ = try await client.whoAmI(Voucherd_V1_WhoAmIRequest(), metadata: bearer(forged)) }
                    #expect(error?.code == .unauthenticated)
                    #expect(error?.message.contains("signature") == true, "\(String(describing: error))")
                }
            }
        }
    }

    @Test("an expired token is UNAUTHENTICATED")
    func expiredToken() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                // Beyond the verifier's 30 s leeway.
                let expired = try await fixture.minter.token(for: Self.operatorPrincipal, expiresIn: -120)
                try await identity.withClients(fixture) { client, _ in
                    let error = await rpcError { _ = try await client.whoAmI(Voucherd_V1_WhoAmIRequest(), metadata: bearer(expired)) }
                    #expect(error?.code == .unauthenticated)
                    #expect(error?.message.contains("expired") == true, "\(String(describing: error))")
                }
            }
        }
    }

    @Test("a token for another audience is UNAUTHENTICATED")
    func wrongAudience() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                let token = try await fixture.minter.token(for: Self.operatorPrincipal, audience: "somebody-else")
                try await identity.withClients(fixture) { client, _ in
                    let error = await rpcError { _ = try await client.whoAmI(Voucherd_V1_WhoAmIRequest(), metadata: bearer(token)) }
                    #expect(error?.code == .unauthenticated)
                    #expect(error?.message.contains("audience") == true, "\(String(describing: error))")
                }
            }
        }
    }

    @Test("a valid token gets past authentication")
    func validToken() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                let token = try await fixture.minter.token(for: Self.operatorPrincipal)
                try await identity.withClients(fixture) { client, _ in
                    // On the library's stubs the handler answers UNIMPLEMENTED; either way the
                    // interceptor let the call through.
                    let error = await rpcError { _ = try await client.whoAmI(Voucherd_V1_WhoAmIRequest(), metadata: bearer(token)) }
                    #expect(error == nil || error?.code == .unimplemented, "\(String(describing: error))")
                }
            }
        }
    }

    @Test("a client without a certificate cannot call, even health")
    func noClientCertificate() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                let transport = try XRPCClientTransport(
                    endpoints: [XRPCEndpoint(host: "127.0.0.1", port: identity.xrpcPort)],
                    tls: XRPCClientTLS(
                        certificateChain: nil, privateKey: nil,
                        trustRoots: .file(path: fixture.certs.appendingPathComponent("ca.crt").path)
                    )
                )
                let error = await rpcError {
                    try await withGRPCClient(transport: transport) { grpc in
                        var options = CallOptions.defaults
                        options.timeout = .seconds(10)
                        _ = try await Grpc_Health_V1_Health.Client(wrapping: grpc).check(Grpc_Health_V1_HealthCheckRequest(), options: options)
                    }
                }
                #expect(error != nil)
            }
        }
    }
}
