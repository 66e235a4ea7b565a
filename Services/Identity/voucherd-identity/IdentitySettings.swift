import Foundation
import IdentityService
import VoucherdRuntime

/// Everything `voucherd-identity` is configured with: the shared ``ServiceConfiguration`` keys,
/// identity's own settings, and its policies (the config file's `identity` object).
///
/// | Key (flag / file key)      | Environment variable               | Default |
/// |----------------------------|------------------------------------|---------|
/// | `bootstrap-operator`       | `VOUCHERD_BOOTSTRAP_OPERATOR`      | none: no operator is created |
/// | `bootstrap-password-file`  | `VOUCHERD_BOOTSTRAP_PASSWORD_FILE` | none; required with `bootstrap-operator` |
/// | `trusted-token-keys`       | `VOUCHERD_TRUSTED_TOKEN_KEYS`      | none: only identity's own keys verify tokens |
/// | `identity` (file only)     | —                                  | every policy at its default |
struct IdentitySettings: ServiceSettings {
    /// The username of the operator created on a fresh store.
    static let bootstrapOperator = ServiceSetting("bootstrap-operator")
    /// A file holding that operator's password (one line); a file, so it is not in `ps` or the
    /// environment of child processes.
    static let bootstrapPasswordFile = ServiceSetting("bootstrap-password-file")
    /// A JSON file of extra public keys whose tokens are accepted (see ``TrustedTokenKeys``).
    static let trustedTokenKeys = ServiceSetting("trusted-token-keys")
    /// Identity's own settings.
    static let all = [bootstrapOperator, bootstrapPasswordFile, trustedTokenKeys]

    /// An operator to create if the store has none.
    struct BootstrapOperator: Sendable {
        var username: String
        var password: String
    }

    /// The shared keys.
    var service: ServiceConfiguration
    /// The service's policies.
    var identity: IdentityConfiguration
    /// The operator to create on a fresh store, if configured.
    var bootstrap: BootstrapOperator?
    /// The extra trusted token keys file, if configured.
    var trustedTokenKeysFile: String?
    /// The per-principal, per-device and per-address call limits (`identity.rate-limits`).
    var rateLimits = RateLimitInterceptor.Configuration.serviceDefaults

    /// Loads and validates every key.
    /// - Parameters:
    ///   - arguments: the command line without the executable name.
    ///   - environment: the process environment.
    /// - Throws: ``ConfigurationError`` naming the key at fault.
    static func load(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> IdentitySettings {
        let service = try ServiceConfiguration.load(
            serviceName: "identity",
            settings: Self.all,
            arguments: arguments,
            environment: environment
        )
        let identity = try IdentityConfiguration(section: service.section)
        var bootstrap: BootstrapOperator?
        if let username = service.settings[Self.bootstrapOperator.name], !username.isEmpty {
            guard let path = service.settings[Self.bootstrapPasswordFile.name], !path.isEmpty else {
                throw ConfigurationError(
                    key: Self.bootstrapPasswordFile.name,
                    problem: "required with bootstrap-operator; set --bootstrap-password-file or VOUCHERD_BOOTSTRAP_PASSWORD_FILE"
                )
            }
            bootstrap = BootstrapOperator(username: username, password: try Self.bootstrapPasswordFile.firstLine(ofFile: path, holding: "password"))
        }
        var trusted: String?
        if let path = service.settings[Self.trustedTokenKeys.name], !path.isEmpty {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ConfigurationError(key: Self.trustedTokenKeys.name, problem: "cannot read file \(path)")
            }
            trusted = path
        }
        var settings = IdentitySettings(service: service, identity: identity, bootstrap: bootstrap, trustedTokenKeysFile: trusted)
        settings.rateLimits = try RateLimitInterceptor.Configuration(section: service.section, defaults: .serviceDefaults)
        return settings
    }
}
