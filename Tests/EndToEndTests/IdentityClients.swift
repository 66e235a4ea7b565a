import Foundation
import GRPCCore
import VoucherdModel
import XRPC

extension RunningIdentity {
    /// Runs `body` with identity and health clients over XRPC, presenting `client`'s certificate.
    func withClients<T: Sendable>(
        _ fixture: IdentityFixture,
        client: String = "operator",
        _ body: (Voucherd_V1_Identity.Client<XRPCClientTransport>, Grpc_Health_V1_Health.Client<XRPCClientTransport>) async throws -> T
    ) async throws -> T {
        try await self.withXRPCClient(fixture, client: client) { grpc in
            try await body(Voucherd_V1_Identity.Client(wrapping: grpc), Grpc_Health_V1_Health.Client(wrapping: grpc))
        }
    }
}

/// `authorization: Bearer <token>`.
func bearer(_ token: String) -> Metadata {
    ["authorization": "Bearer \(token)"]
}

/// The RPC error `body` throws; fails the expectation if it succeeds.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(code: .unknown, message: "not an RPCError: \(error)")
    }
}
