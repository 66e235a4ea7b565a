import NIOSSL

/// Where a PEM certificate chain, key or trust bundle comes from.
public enum XRPCPEMSource: Sendable, Hashable {
    /// A PEM file on disk.
    case file(path: String)
    /// PEM text in memory.
    case pem(String)
}

/// TLS for an XRPC server: TLS 1.3 only, ALPN `xrpc/1`, and by default mutual TLS.
public struct XRPCServerTLS: Sendable {
    /// The server's certificate chain, leaf first.
    public var certificateChain: XRPCPEMSource
    /// The server's private key.
    public var privateKey: XRPCPEMSource
    /// CA certificates that client certificates must chain to.
    public var trustRoots: XRPCPEMSource?
    /// Whether clients must present a certificate the trust roots vouch for. Default true: the
    /// certificate is how a service proves which service is calling.
    public var requireClientCertificate: Bool

    /// Creates a server TLS configuration.
    /// - Parameters:
    ///   - certificateChain: the server certificate chain.
    ///   - privateKey: its private key.
    ///   - trustRoots: CA certificates for verifying clients.
    ///   - requireClientCertificate: whether mTLS is required (default true).
    public init(
        certificateChain: XRPCPEMSource,
        privateKey: XRPCPEMSource,
        trustRoots: XRPCPEMSource?,
        requireClientCertificate: Bool = true
    ) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.trustRoots = trustRoots
        self.requireClientCertificate = requireClientCertificate
    }

    /// Builds the NIOSSL context once, at start-up.
    /// - Throws: `XRPCConfigurationError` naming the file or setting that is wrong.
    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try XRPCTLSLoader.certificates(self.certificateChain, what: "server certificate chain").map { .certificate($0) },
            privateKey: .privateKey(try XRPCTLSLoader.privateKey(self.privateKey, what: "server private key"))
        )
        XRPCTLSLoader.applyProtocolPolicy(to: &configuration)
        if self.requireClientCertificate {
            guard let trustRoots else {
                throw XRPCConfigurationError("tls.trustRoots: client certificates are required but no CA to verify them is configured")
            }
            configuration.trustRoots = .certificates(try XRPCTLSLoader.certificates(trustRoots, what: "client trust roots"))
            // Clients are identified by their certificate, not a hostname.
            configuration.certificateVerification = .noHostnameVerification
        } else {
            configuration.certificateVerification = .none
        }
        return try XRPCTLSLoader.context(configuration)
    }
}

/// TLS for an XRPC client: TLS 1.3 only, ALPN `xrpc/1`, verifying the server, and presenting
/// a client certificate for mutual TLS.
public struct XRPCClientTLS: Sendable {
    /// The client's certificate chain; nil to connect without one (servers refuse by default).
    public var certificateChain: XRPCPEMSource?
    /// The client's private key.
    public var privateKey: XRPCPEMSource?
    /// CA certificates the server certificate must chain to.
    public var trustRoots: XRPCPEMSource
    /// The name the server certificate must carry. Default: the endpoint's host.
    public var serverHostname: String?

    /// Creates a client TLS configuration.
    /// - Parameters:
    ///   - certificateChain: the client certificate chain, for mutual TLS.
    ///   - privateKey: its private key.
    ///   - trustRoots: CA certificates for verifying the server.
    ///   - serverHostname: overrides the name checked in the server certificate.
    public init(
        certificateChain: XRPCPEMSource?,
        privateKey: XRPCPEMSource?,
        trustRoots: XRPCPEMSource,
        serverHostname: String? = nil
    ) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.trustRoots = trustRoots
        self.serverHostname = serverHostname
    }

    /// Builds the NIOSSL context once, when the transport is created.
    /// - Throws: `XRPCConfigurationError` naming the file or setting that is wrong.
    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        XRPCTLSLoader.applyProtocolPolicy(to: &configuration)
        configuration.trustRoots = .certificates(try XRPCTLSLoader.certificates(self.trustRoots, what: "server trust roots"))
        configuration.certificateVerification = .fullVerification
        switch (self.certificateChain, self.privateKey) {
        case (.some(let chain), .some(let key)):
            configuration.certificateChain = try XRPCTLSLoader.certificates(chain, what: "client certificate chain").map { .certificate($0) }
            configuration.privateKey = .privateKey(try XRPCTLSLoader.privateKey(key, what: "client private key"))
        case (.none, .none):
            break
        default:
            throw XRPCConfigurationError("tls: a client certificate chain and private key must be given together")
        }
        return try XRPCTLSLoader.context(configuration)
    }
}

/// A transport configuration that cannot work; the message names what is wrong.
public struct XRPCConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the setting or file.
    public var message: String
    /// Creates an error.
    /// - Parameter message: what is wrong.
    public init(_ message: String) { self.message = message }
    public var description: String { self.message }
}

enum XRPCTLSLoader {
    static func applyProtocolPolicy(to configuration: inout TLSConfiguration) {
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        configuration.applicationProtocols = [XRPCPreface.alpn]
    }

    static func certificates(_ source: XRPCPEMSource, what: String) throws -> [NIOSSLCertificate] {
        do {
            let certificates: [NIOSSLCertificate]
            switch source {
            case .file(let path): certificates = try NIOSSLCertificate.fromPEMFile(path)
            case .pem(let text): certificates = try NIOSSLCertificate.fromPEMBytes(Array(text.utf8))
            }
            guard !certificates.isEmpty else { throw XRPCConfigurationError("\(what): \(source.label) holds no certificate") }
            return certificates
        } catch let error as XRPCConfigurationError {
            throw error
        } catch {
            throw XRPCConfigurationError("\(what): cannot read PEM certificates from \(source.label): \(error)")
        }
    }

    static func privateKey(_ source: XRPCPEMSource, what: String) throws -> NIOSSLPrivateKey {
        do {
            switch source {
            case .file(let path): return try NIOSSLPrivateKey(file: path, format: .pem)
            case .pem(let text): return try NIOSSLPrivateKey(bytes: Array(text.utf8), format: .pem)
            }
        } catch {
            throw XRPCConfigurationError("\(what): cannot read a PEM private key from \(source.label): \(error)")
        }
    }

    static func context(_ configuration: TLSConfiguration) throws -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw XRPCConfigurationError("tls: the certificate and key do not make a usable TLS context: \(error)")
        }
    }
}

extension XRPCPEMSource {
    var label: String {
        switch self {
        case .file(let path): "file \(path)"
        case .pem: "in-memory PEM"
        }
    }
}
