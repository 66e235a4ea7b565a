import Foundation
import GRPCCore
import VoucherdModel
import XRPC

/// Calls issuance over XRPC with mutual TLS, as the session's principal. Tokens are identity's,
/// so an access token about to expire is refreshed through ``IdentityConnection`` (which saves
/// the session) before the call.
enum IssuanceConnection {
    /// A generated issuance client on the XRPC transport.
    typealias Client = Voucherd_V1_Issuance.Client<XRPCClientTransport>

    /// Runs `body` with a client and the session's token.
    /// - Parameters:
    ///   - sessionPath: the session file.
    ///   - body: the call, given the client and the metadata to send.
    /// - Throws: ``CLIError`` when the session names no issuance endpoint.
    static func authenticated<Result: Sendable>(
        sessionPath: String,
        _ body: (Client, Metadata) async throws -> Result
    ) async throws -> Result {
        var session = try Session.load(from: sessionPath)
        if session.accessTokenExpires(within: IdentityConnection.refreshMargin), !session.refreshToken.isEmpty {
            try await IdentityConnection.authenticated(sessionPath: sessionPath) { _, _ in () }
            session = try Session.load(from: sessionPath)
        }
        let endpoint = ProcessInfo.processInfo.environment["VOUCHERCTL_ISSUANCE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
            ?? session.issuanceEndpoint
        guard let endpoint else {
            throw CLIError("the session names no issuance endpoint; run `voucherctl login` with --issuance-endpoint host:port (or set VOUCHERCTL_ISSUANCE_ENDPOINT)")
        }
        // The issuance certificate is checked against the endpoint's host: the session's server
        // name is identity's.
        let transport = try IdentityConnection.transport(
            endpoint: endpoint, serverName: nil, ca: session.caPath, certificate: session.certificatePath, key: session.keyPath
        )
        let metadata: Metadata = ["authorization": "Bearer \(session.accessToken)"]
        return try await withGRPCClient(transport: transport) { grpc in
            try await body(Client(wrapping: grpc), metadata)
        }
    }
}
