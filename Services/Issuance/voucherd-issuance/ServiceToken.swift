import Foundation
import GRPCCore
import VoucherdModel
import XRPC

/// Issuance's own access token at identity, obtained by exchanging its service account's API
/// key and exchanged again shortly before it expires, so a call never leaves with a token that
/// expires in flight. Concurrent callers that find it stale may each exchange once; that is
/// harmless (identity issues independent tokens) and simpler than a single-flight task.
actor ServiceToken {
    /// Exchange again this long before expiry.
    static let refreshMargin: TimeInterval = 60

    private let client: Voucherd_V1_Identity.Client<XRPCClientTransport>
    private let apiKey: String
    private var token: String?
    private var expiresAt = Date.distantPast

    init(client: Voucherd_V1_Identity.Client<XRPCClientTransport>, apiKey: String) {
        self.client = client
        self.apiKey = apiKey
    }

    /// The `authorization` metadata for a call, exchanging the key first if needed.
    /// - Throws: identity's `RPCError` when it refuses the key (UNAUTHENTICATED) or is down.
    func metadata() async throws -> Metadata {
        ["authorization": "Bearer \(try await self.current())"]
    }

    /// Forgets the token, so the next call exchanges the key again (after identity said
    /// UNAUTHENTICATED, for example because its signing key was retired).
    func invalidate() {
        self.token = nil
    }

    private func current() async throws -> String {
        if let token = self.token, self.expiresAt.timeIntervalSinceNow > Self.refreshMargin {
            return token
        }
        var request = Voucherd_V1_ExchangeApiKeyRequest()
        request.apiKey = self.apiKey
        let pair = try await self.client.exchangeApiKey(request)
        self.token = pair.accessToken
        self.expiresAt = Date(timeIntervalSince1970: Double(pair.accessTokenExpiresAtMicros) / 1_000_000)
        return pair.accessToken
    }
}
