public import Logging

/// What a service executable needs to start: where it listens, its TLS material, its peers and
/// how it logs. Build one with ``load(serviceName:arguments:environment:file:standardOutputIsTerminal:)``.
///
/// Each value comes from the first of these that sets it: a command-line flag, an environment
/// variable, the JSON config file (named by `--config` or `VOUCHERD_CONFIG`; its keys are the flag
/// names, peers as `"peer": {"identity": "host:port"}`), then the default.
///
/// | Key (flag / file key) | Environment variable       | Default                              |
/// |-----------------------|----------------------------|--------------------------------------|
/// | `data-dir`            | `VOUCHERD_DATA_DIR`        | `./data/<service>`                   |
/// | `listen-host`         | `VOUCHERD_LISTEN_HOST`     | `127.0.0.1`                          |
/// | `listen-port`         | `VOUCHERD_LISTEN_PORT`     | `7443`                               |
/// | `admin-host`          | `VOUCHERD_ADMIN_HOST`      | `127.0.0.1`                          |
/// | `admin-port`          | `VOUCHERD_ADMIN_PORT`      | `9090` (0 picks a free port)         |
/// | `tls-certificate`     | `VOUCHERD_TLS_CERTIFICATE` | required (PEM file path)             |
/// | `tls-key`             | `VOUCHERD_TLS_KEY`         | required (PEM file path)             |
/// | `tls-trust-roots`     | `VOUCHERD_TLS_TRUST_ROOTS` | required (PEM file path)             |
/// | `peer` (repeatable)   | `VOUCHERD_PEERS`           | none; `--peer identity=host:port`, env `identity=h:p,issuance=h:p` |
/// | `log-format`          | `VOUCHERD_LOG_FORMAT`      | `json`, or `text` when stdout is a terminal |
/// | `log-level`           | `VOUCHERD_LOG_LEVEL`       | `info`                               |
/// | `config`              | `VOUCHERD_CONFIG`          | none (no config file)                |
///
/// A service adds keys of its own in two ways: scalar ``ServiceSetting``s (flag, environment
/// variable and file key, in ``settings``), and a JSON object under its name in the config file
/// (``section``, such as `"identity": {"tokens": {...}}`) for structured policies.
public struct ServiceConfiguration: Sendable, Hashable {
    /// The service's name, such as `issuance`; used for the default data directory and logs.
    public var serviceName: String
    /// Where the service keeps its data.
    public var dataDirectory: String
    /// The address the XRPC server binds.
    public var listenHost: String
    /// The XRPC server's port; 0 picks a free one.
    public var listenPort: Int
    /// The address the admin HTTP server binds.
    public var adminHost: String
    /// The admin HTTP server's port; 0 picks a free one.
    public var adminPort: Int
    /// The service's certificate chain (PEM file).
    public var tlsCertificate: String
    /// The service's private key (PEM file).
    public var tlsKey: String
    /// The certificate authorities trusted for peers and clients (PEM file).
    public var tlsTrustRoots: String
    /// Peer services by name, such as `identity` and `issuance`.
    public var peers: [String: PeerAddress]
    /// How log lines are written.
    public var logFormat: LogFormat
    /// The lowest level logged.
    public var logLevel: Logger.Level
    /// The raw values of the service's own settings that some source set, by name.
    public var settings: [String: String]
    /// The config file's object under the service's name; nil when absent.
    public var section: ConfigurationSection?

    /// The default XRPC port.
    public static let defaultListenPort = 7443
    /// The default admin HTTP port.
    public static let defaultAdminPort = 9090
    /// The default bind address for both servers.
    public static let defaultHost = "127.0.0.1"

    /// Creates a configuration from values already validated; defaults as in the table above.
    /// - Parameters:
    ///   - serviceName: the service's name.
    ///   - tlsCertificate: the certificate chain file.
    ///   - tlsKey: the private key file.
    ///   - tlsTrustRoots: the trust roots file.
    public init(serviceName: String, tlsCertificate: String, tlsKey: String, tlsTrustRoots: String) {
        self.serviceName = serviceName
        self.dataDirectory = "./data/\(serviceName)"
        self.listenHost = Self.defaultHost
        self.listenPort = Self.defaultListenPort
        self.adminHost = Self.defaultHost
        self.adminPort = Self.defaultAdminPort
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.tlsTrustRoots = tlsTrustRoots
        self.peers = [:]
        self.logFormat = .json
        self.logLevel = .info
        self.settings = [:]
        self.section = nil
    }
}
