import Foundation

/// The configuration keys, spelled as command-line flags (`--listen-port`), JSON config file
/// keys (`"listen-port"`) and environment variables (`VOUCHERD_LISTEN_PORT`).
enum ConfigurationKey: String, CaseIterable, Sendable {
    case dataDirectory = "data-dir"
    case listenHost = "listen-host"
    case listenPort = "listen-port"
    case adminHost = "admin-host"
    case adminPort = "admin-port"
    case tlsCertificate = "tls-certificate"
    case tlsKey = "tls-key"
    case tlsTrustRoots = "tls-trust-roots"
    case logFormat = "log-format"
    case logLevel = "log-level"

    /// The flag, config file and error name of the peers map; each entry is `peer.<name>`.
    static let peer = "peer"
    /// The flag and environment variable naming a JSON config file.
    static let config = "config"
    /// The environment variable holding peers as `name=host:port,name=host:port`.
    static let peersEnvironmentVariable = "VOUCHERD_PEERS"
    /// The environment variable naming a JSON config file.
    static let configEnvironmentVariable = "VOUCHERD_CONFIG"

    /// `VOUCHERD_LISTEN_PORT` for `listen-port`.
    var environmentVariable: String {
        "VOUCHERD_" + self.rawValue.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
