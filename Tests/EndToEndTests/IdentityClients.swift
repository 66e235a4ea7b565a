import Foundation
import GRPCCore
import VoucherdModel
import XRPC
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension RunningIdentity {
    /// Runs `body` with identity and health clients over XRPC, presenting `client`'s certificate.
    func withClients<T: Sendable>(
        _ fixture: IdentityFixture,
        client: String = "operator",
        _ body: (Voucherd_V1_Identity.Client<XRPCClientTransport>, Grpc_Health_V1_Health.Client<XRPCClientTransport>) async throws -> T
    ) async throws -> T {
        let transport = try XRPCClientTransport(
            endpoints: [XRPCEndpoint(host: "127.0.0.1", port: self.xrpcPort)],
            tls: XRPCClientTLS(
                certificateChain: .file(path: fixture.certs.appendingPathComponent("\(client).crt").path),
                privateKey: .file(path: fixture.certs.appendingPathComponent("\(client).key").path),
                trustRoots: .file(path: fixture.certs.appendingPathComponent("ca.crt").path)
            )
        )
        return try await withGRPCClient(transport: transport) { grpc in
            try await body(Voucherd_V1_Identity.Client(wrapping: grpc), Grpc_Health_V1_Health.Client(wrapping: grpc))
        }
    }

    /// `GET http://127.0.0.1:<admin>/<path>`: the status code and body.
    func admin(_ path: String) async throws -> (status: Int, body: String) {
        let url = URL(string: "http://127.0.0.1:\(self.adminPort)\(path)")!
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
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
