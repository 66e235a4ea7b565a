import NIOCore
import NIOPosix
import NIOSSL
import VoucherdPKI

/// The floor: length-prefixed frames over the same mutual TLS 1.3 as XRPC, answered by a
/// NIO handler on the event loop. No RPC layer, no streams, no protobuf.
struct RawEchoTarget: EchoTarget {
    let kind = TransportKind.rawTLS
    private let serverChannel: any Channel
    private let port: Int
    private let clientContext: NIOSSLContext

    static func start(pki: BenchPKI) async throws -> RawEchoTarget {
        var serverConfig = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(pki.server.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(pki.server.privateKeyPEM.utf8), format: .pem)))
        serverConfig.minimumTLSVersion = .tlsv13
        serverConfig.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.caPEM.utf8)))
        serverConfig.certificateVerification = .noHostnameVerification
        let serverContext = try NIOSSLContext(configuration: serverConfig)

        var clientConfig = TLSConfiguration.makeClientConfiguration()
        clientConfig.minimumTLSVersion = .tlsv13
        clientConfig.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.caPEM.utf8)))
        clientConfig.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(pki.client.certificatePEM.utf8)).map { .certificate($0) }
        clientConfig.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(pki.client.privateKeyPEM.utf8), format: .pem))
        let clientContext = try NIOSSLContext(configuration: clientConfig)

        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLServerHandler(context: serverContext))
                    try sync.addHandler(ByteToMessageHandler(LengthPrefixedFrameDecoder()))
                    try sync.addHandler(RawEchoServerHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw BenchError.setup("the raw-tls server has no port")
        }
        return RawEchoTarget(serverChannel: channel, port: port, clientContext: clientContext)
    }

    func connect() async throws -> any EchoCaller {
        let context = clientContext
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                    try sync.addHandler(ByteToMessageHandler(LengthPrefixedFrameDecoder()))
                    try sync.addHandler(RawEchoClientHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let caller = RawEchoCaller(channel: channel)
        do {
            // As for the gRPC rows: the TLS handshake is done before the clock starts.
            try await caller.echo(.init([1]))
        } catch {
            await caller.close()
            throw error
        }
        return caller
    }

    func stop() async {
        try? await serverChannel.close()
    }
}
