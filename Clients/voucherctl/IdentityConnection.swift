import Foundation
import GRPCCore
import VoucherdModel
import XRPC

/// Calls identity over XRPC with mutual TLS, as the session's principal: adds the bearer token,
/// refreshes the access token with the refresh token when it has expired (or the server says
/// so), and saves the refreshed session.
struct IdentityConnection {
    /// A generated identity client on the XRPC transport.
    typealias Client = Voucherd_V1_Identity.Client<XRPCClientTransport>

    /// Refresh this long before the access token expires, so it does not expire in flight.
    static let refreshMargin: TimeInterval = 30

    /// Runs `body` once with a client and no token (login, API key exchange).
    static func anonymous<Result: Sendable>(
        endpoint: String,
        serverName: String?,
        ca: String,
        certificate: String,
        key: String,
        _ body: (Client) async throws -> Result
    ) async throws -> Result {
        let transport = try Self.transport(endpoint: endpoint, serverName: serverName, ca: ca, certificate: certificate, key: key)
        return try await withGRPCClient(transport: transport) { grpc in
            try await body(Client(wrapping: grpc))
        }
    }

    /// Runs `body` with a client and the session's token (refreshed first if it has expired).
    /// - Parameters:
    ///   - sessionPath: the session file; rewritten after a refresh.
    ///   - body: the call, given the client and the metadata to send.
    static func authenticated<Result: Sendable>(
        sessionPath: String,
        _ body: (Client, Metadata) async throws -> Result
    ) async throws -> Result {
        var session = try Session.load(from: sessionPath)
        let transport = try Self.transport(
            endpoint: session.endpoint, serverName: session.serverName, ca: session.caPath,
            certificate: session.certificatePath, key: session.keyPath
        )
        return try await withGRPCClient(transport: transport) { grpc in
            let client = Client(wrapping: grpc)
            var refreshed = false
            if session.accessTokenExpires(within: Self.refreshMargin), !session.refreshToken.isEmpty {
                try await Self.refresh(&session, client: client, path: sessionPath)
                refreshed = true
            }
            do {
                return try await body(client, Self.metadata(session))
            } catch let error as RPCError where error.code == .unauthenticated && !refreshed && !session.refreshToken.isEmpty {
                // The server's clock or a revoked signing key may disagree with ours: one refresh, one retry.
                try await Self.refresh(&session, client: client, path: sessionPath)
                return try await body(client, Self.metadata(session))
            }
        }
    }

    private static func metadata(_ session: Session) -> Metadata {
        ["authorization": "Bearer \(session.accessToken)"]
    }

    private static func refresh(_ session: inout Session, client: Client, path: String) async throws {
        var request = Voucherd_V1_RefreshTokenRequest()
        request.refreshToken = session.refreshToken
        let pair: Voucherd_V1_TokenPair
        do {
            pair = try await client.refreshToken(request)
        } catch let error as RPCError where error.code == .unauthenticated {
            throw CLIError("the session has expired or was revoked (\(error.message)); run `voucherctl login` again")
        }
        session.apply(pair)
        try session.save(to: path)
    }

    static func transport(endpoint: String, serverName: String?, ca: String, certificate: String, key: String) throws -> XRPCClientTransport {
        guard let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...]),
            (1...65535).contains(port)
        else {
            throw CLIError("endpoint \"\(endpoint)\" is not host:port")
        }
        var host = String(endpoint[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        for (what, path) in [("CA", ca), ("client certificate", certificate), ("client key", key)]
        where !FileManager.default.isReadableFile(atPath: path) {
            throw CLIError("cannot read the \(what) \(path); make certificates with `voucherctl certs init`")
        }
        var config = XRPCClientTransport.Config.defaults
        config.connectTimeout = .seconds(5)
        return try XRPCClientTransport(
            endpoints: [XRPCEndpoint(host: host, port: port)],
            tls: XRPCClientTLS(
                certificateChain: .file(path: certificate),
                privateKey: .file(path: key),
                trustRoots: .file(path: ca),
                serverHostname: serverName
            ),
            config: config
        )
    }
}

extension Session {
    /// Takes the tokens (and principal) of a fresh token pair.
    mutating func apply(_ pair: Voucherd_V1_TokenPair) {
        self.accessToken = pair.accessToken
        self.accessTokenExpiresAtMicros = pair.accessTokenExpiresAtMicros
        if !pair.refreshToken.isEmpty {
            self.refreshToken = pair.refreshToken
            self.refreshTokenExpiresAtMicros = pair.refreshTokenExpiresAtMicros
        }
        if pair.hasPrincipal {
            self.subject = pair.principal.subject
            self.role = pair.principal.role
        }
    }
}
