import Foundation
import IssuanceService
import VoucherdRuntime

/// Everything `voucherd-issuance` is configured with: the shared ``ServiceConfiguration`` keys
/// (its `identity` peer is required), issuance's own settings, and its policies (the config
/// file's `issuance` object).
///
/// | Key (flag / file key) | Environment variable      | Default |
/// |-----------------------|---------------------------|---------|
/// | `api-key-file`        | `VOUCHERD_API_KEY_FILE`   | required: the service account's API key at identity |
/// | `token-issuer`        | `VOUCHERD_TOKEN_ISSUER`   | `voucherd-identity` |
/// | `token-audience`      | `VOUCHERD_TOKEN_AUDIENCE` | `voucherd` |
/// | `identity-server-name`| `VOUCHERD_IDENTITY_SERVER_NAME` | none: the peer's host is checked |
/// | `write-batch-size`    | `VOUCHERD_WRITE_BATCH_SIZE` | 128: requests per group commit; 1 turns group commit off |
/// | `issuance` (file only)| —                         | every policy at its default |
struct IssuanceSettings: ServiceSettings {
    /// A file holding the API key (one line) of issuance's service account at identity; a file,
    /// so the key is not in `ps` or the environment of child processes.
    static let apiKeyFile = ServiceSetting("api-key-file")
    /// The `iss` access tokens must carry: identity's configured issuer.
    static let tokenIssuer = ServiceSetting("token-issuer")
    /// The `aud` access tokens must carry: identity's configured audience.
    static let tokenAudience = ServiceSetting("token-audience")
    /// The name identity's certificate must carry, when it differs from the peer's host.
    static let identityServerName = ServiceSetting("identity-server-name")
    /// The most requests one group commit carries. 1 commits every request alone (one fsync
    /// each): only for measuring what group commit buys.
    static let writeBatchSize = ServiceSetting("write-batch-size")
    static let all = [apiKeyFile, tokenIssuer, tokenAudience, identityServerName, writeBatchSize]

    /// The shared keys.
    var service: ServiceConfiguration
    /// The service's policies.
    var issuance: IssuanceConfiguration
    /// Where identity listens.
    var identity: PeerAddress
    /// The name identity's certificate must carry; nil checks the peer's host.
    var identityServerName: String?
    /// The service account's API key.
    var apiKey: String
    /// The token claims the verifier requires.
    var tokenIssuer: String
    var tokenAudience: String
    /// Requests per group commit.
    var writeBatchSize: Int
    /// The per-principal, per-device and per-address call limits (`issuance.rate-limits`).
    var rateLimits: RateLimitInterceptor.Configuration

    /// Loads and validates every key.
    /// - Throws: ``ConfigurationError`` naming the key at fault.
    static func load(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> IssuanceSettings {
        let service = try ServiceConfiguration.load(
            serviceName: "issuance",
            settings: Self.all,
            arguments: arguments,
            environment: environment
        )
        let issuance = try IssuanceConfiguration(section: service.section)
        guard let identity = service.peers["identity"] else {
            throw ConfigurationError(key: "peer", problem: "identity's address is required; set --peer identity=host:port or VOUCHERD_PEERS")
        }
        guard let path = service.settings[Self.apiKeyFile.name], !path.isEmpty else {
            throw ConfigurationError(key: Self.apiKeyFile.name, problem: "required; set --api-key-file or VOUCHERD_API_KEY_FILE")
        }
        let serverName = service.settings[Self.identityServerName.name].flatMap { $0.isEmpty ? nil : $0 }
        var writeBatchSize = 128
        if let text = service.settings[Self.writeBatchSize.name] {
            guard let value = Int(text), (1...10_000).contains(value) else {
                throw ConfigurationError(key: Self.writeBatchSize.name, problem: "must be an integer from 1 to 10000, got '\(text)'")
            }
            writeBatchSize = value
        }
        return IssuanceSettings(
            service: service,
            issuance: issuance,
            identity: identity,
            identityServerName: serverName,
            apiKey: try Self.apiKeyFile.firstLine(ofFile: path, holding: "API key"),
            tokenIssuer: service.settings[Self.tokenIssuer.name] ?? "voucherd-identity",
            tokenAudience: service.settings[Self.tokenAudience.name] ?? "voucherd",
            writeBatchSize: writeBatchSize,
            rateLimits: try RateLimitInterceptor.Configuration(section: service.section, defaults: .serviceDefaults)
        )
    }
}
