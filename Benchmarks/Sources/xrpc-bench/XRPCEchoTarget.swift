import NIOCore
import XRPC

/// XRPC/1 over mutual TLS, both transports with their default configuration (as the
/// services run them).
struct XRPCEchoTarget: EchoTarget {
    let kind = TransportKind.xrpc
    private let server: RunningServer
    private let endpoint: XRPCEndpoint
    private let clientTLS: XRPCClientTLS

    static func start(pki: BenchPKI) async throws -> XRPCEchoTarget {
        let transport = try XRPCServerTransport(host: "127.0.0.1", port: 0, tls: pki.xrpcServerTLS)
        let server = RunningServer.start(transport: transport)
        guard let port = try await transport.listeningAddress.port else {
            await server.stop()
            throw BenchError.setup("the XRPC server has no port")
        }
        return XRPCEchoTarget(
            server: server, endpoint: XRPCEndpoint(host: "127.0.0.1", port: port), clientTLS: pki.xrpcClientTLS)
    }

    func connect() async throws -> any EchoCaller {
        try await GRPCEchoCaller.start(transport: XRPCClientTransport(endpoints: [endpoint], tls: clientTLS))
    }

    func stop() async { await server.stop() }
}
