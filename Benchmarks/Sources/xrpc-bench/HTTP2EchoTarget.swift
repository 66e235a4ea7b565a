import GRPCNIOTransportHTTP2
import VoucherdPKI

/// gRPC over HTTP/2 (grpc-swift-nio-transport, Posix) with mutual TLS. `targetWindowSize`,
/// when given, is set on both the server and the client; otherwise both keep the library's
/// defaults (64 KiB − 1 on the server, 8 MiB on the client).
struct HTTP2EchoTarget: EchoTarget {
    let kind: TransportKind
    private let server: RunningServer
    private let port: Int
    private let pki: BenchPKI
    private let targetWindowSize: Int?

    static func start(kind: TransportKind, pki: BenchPKI, targetWindowSize: Int?) async throws -> HTTP2EchoTarget {
        let security = HTTP2ServerTransport.Posix.TransportSecurity.mTLS(
            certificateChain: [.bytes(Array(pki.server.certificatePEM.utf8), format: .pem)],
            privateKey: .bytes(Array(pki.server.privateKeyPEM.utf8), format: .pem)
        ) { config in
            config.trustRoots = .certificates([.bytes(Array(pki.caPEM.utf8), format: .pem)])
            config.clientCertificateVerification = .noHostnameVerification
        }
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0),
            transportSecurity: security,
            config: .defaults { config in
                if let targetWindowSize { config.http2.targetWindowSize = targetWindowSize }
            })
        let server = RunningServer.start(transport: transport)
        guard let port = try await transport.listeningAddress.ipv4?.port else {
            await server.stop()
            throw BenchError.setup("the HTTP/2 server has no IPv4 port")
        }
        return HTTP2EchoTarget(kind: kind, server: server, port: port, pki: pki, targetWindowSize: targetWindowSize)
    }

    func connect() async throws -> any EchoCaller {
        let security = HTTP2ClientTransport.Posix.TransportSecurity.mTLS(
            certificateChain: [.bytes(Array(pki.client.certificatePEM.utf8), format: .pem)],
            privateKey: .bytes(Array(pki.client.privateKeyPEM.utf8), format: .pem)
        ) { config in
            config.trustRoots = .certificates([.bytes(Array(pki.caPEM.utf8), format: .pem)])
            config.serverCertificateVerification = .fullVerification
        }
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: security,
            config: .defaults { config in
                // The name the server certificate carries (it also has the IP, but say it
                // the way a deployment would).
                config.http2.authority = "localhost"
                if let targetWindowSize { config.http2.targetWindowSize = targetWindowSize }
            })
        return try await GRPCEchoCaller.start(transport: transport)
    }

    func stop() async { await server.stop() }
}
