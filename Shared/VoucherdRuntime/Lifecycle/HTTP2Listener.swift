public import GRPCNIOTransportHTTP2

/// Configuration of the optional second gRPC listener: the same services over standard gRPC
/// (HTTP/2 with TLS, grpc-swift-nio-transport), so stock gRPC tools can call them.
///
/// Off by default. When ``requireClientCertificate`` is `true` (the default) the listener
/// does mutual TLS: a client must present a certificate that chains to ``trustRootsPath``.
public struct HTTP2Listener: Sendable, Equatable {
    /// Whether the listener runs at all. Defaults to `false`.
    public var enabled: Bool
    /// The address to bind, an IPv4 or IPv6 literal (for example `0.0.0.0`, `127.0.0.1`, `::`).
    public var host: String
    /// The TCP port to bind; `0` picks a free one (see ``HTTP2ListenerService/port``).
    public var port: Int
    /// Path of the PEM certificate chain the server presents, leaf first.
    public var certificatePath: String
    /// Path of the PEM private key for the leaf certificate.
    public var privateKeyPath: String
    /// Path of the PEM CA certificates that client certificates must chain to.
    /// Required when ``requireClientCertificate`` is `true`.
    public var trustRootsPath: String?
    /// Whether clients must present a certificate trusted by ``trustRootsPath`` (mutual TLS).
    /// Defaults to `true`. When `false`, client certificates are neither required nor verified.
    public var requireClientCertificate: Bool

    /// Creates a listener configuration.
    /// - Parameters:
    ///   - enabled: whether the listener runs; off by default.
    ///   - host: the address to bind.
    ///   - port: the port to bind; `0` picks a free one.
    ///   - certificatePath: PEM certificate chain file the server presents.
    ///   - privateKeyPath: PEM private key file of the leaf certificate.
    ///   - trustRootsPath: PEM CA file for verifying client certificates.
    ///   - requireClientCertificate: whether to require and verify client certificates (mTLS).
    public init(
        enabled: Bool = false,
        host: String = "0.0.0.0",
        port: Int = 8443,
        certificatePath: String = "",
        privateKeyPath: String = "",
        trustRootsPath: String? = nil,
        requireClientCertificate: Bool = true
    ) {
        self.enabled = enabled
        self.host = host
        self.port = port
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.trustRootsPath = trustRootsPath
        self.requireClientCertificate = requireClientCertificate
    }

    /// Why a configuration cannot produce a transport.
    public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
        /// No certificate or private key path is set.
        case missingServerIdentity
        /// Client certificates are required but no trust roots path is set.
        case missingTrustRoots
        /// The port is outside 0...65535.
        case invalidPort(Int)

        /// A readable explanation.
        public var description: String {
            switch self {
            case .missingServerIdentity:
                "HTTP/2 listener: certificatePath and privateKeyPath must be set"
            case .missingTrustRoots:
                "HTTP/2 listener: requireClientCertificate needs trustRootsPath"
            case .invalidPort(let port):
                "HTTP/2 listener: port \(port) is outside 0...65535"
            }
        }
    }

    /// The socket address to bind: IPv6 when ``host`` contains a colon, IPv4 otherwise.
    public var address: SocketAddress {
        self.host.contains(":")
            ? .ipv6(host: self.host, port: self.port)
            : .ipv4(host: self.host, port: self.port)
    }

    /// The TLS settings for the server transport, reading PEM files at listen time.
    /// - Throws: ``ConfigurationError`` if a required path is missing.
    public func transportSecurity() throws(ConfigurationError) -> HTTP2ServerTransport.Posix.TransportSecurity {
        guard !self.certificatePath.isEmpty, !self.privateKeyPath.isEmpty else {
            throw .missingServerIdentity
        }
        let chain: [TLSConfig.CertificateSource] = [.file(path: self.certificatePath, format: .pem)]
        let key: TLSConfig.PrivateKeySource = .file(path: self.privateKeyPath, format: .pem)
        let trustRoots: TLSConfig.TrustRootsSource? = self.trustRootsPath.flatMap { path in
            path.isEmpty ? nil : .certificates([.file(path: path, format: .pem)])
        }
        if self.requireClientCertificate {
            guard let trustRoots else { throw .missingTrustRoots }
            return .mTLS(certificateChain: chain, privateKey: key) { config in
                config.clientCertificateVerification = .noHostnameVerification
                config.trustRoots = trustRoots
            }
        }
        return .tls(certificateChain: chain, privateKey: key) { config in
            config.clientCertificateVerification = .noVerification
            if let trustRoots { config.trustRoots = trustRoots }
        }
    }

    /// Makes the server transport for this configuration.
    /// - Parameter config: HTTP/2 transport tuning; defaults to the library's defaults.
    /// - Throws: ``ConfigurationError`` if the configuration is incomplete.
    public func makeTransport(
        config: HTTP2ServerTransport.Posix.Config = .defaults
    ) throws(ConfigurationError) -> HTTP2ServerTransport.Posix {
        guard (0...65_535).contains(self.port) else { throw .invalidPort(self.port) }
        return HTTP2ServerTransport.Posix(
            address: self.address,
            transportSecurity: try self.transportSecurity(),
            config: config
        )
    }
}
