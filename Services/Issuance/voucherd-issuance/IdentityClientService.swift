import GRPCCore
import ServiceLifecycle
import VoucherdModel
import VoucherdRuntime
import XRPC

/// The one long-lived XRPC client to identity (mutual TLS), as a lifecycle `Service`: it runs
/// the client's connections until graceful shutdown, then lets in-flight calls finish. It sits
/// before the XRPC server in the group, so it stops after the server has drained: handlers still
/// reach identity while they finish.
struct IdentityClientService: Service {
    /// The underlying client; calls made before `run()` starts wait for it.
    let grpc: GRPCClient<XRPCClientTransport>

    /// The generated identity client on it.
    var identity: Voucherd_V1_Identity.Client<XRPCClientTransport> {
        Voucherd_V1_Identity.Client(wrapping: self.grpc)
    }

    /// Loads the TLS material; nothing connects until the first call.
    /// - Throws: ``StartupError`` naming what could not be loaded.
    init(settings: IssuanceSettings) throws {
        let configuration = settings.service
        var config = XRPCClientTransport.Config.defaults
        config.connectTimeout = .seconds(5)
        let transport: XRPCClientTransport
        do {
            transport = try XRPCClientTransport(
                endpoints: [XRPCEndpoint(host: settings.identity.host, port: settings.identity.port)],
                tls: XRPCClientTLS(
                    certificateChain: .file(path: configuration.tlsCertificate),
                    privateKey: .file(path: configuration.tlsKey),
                    trustRoots: .file(path: configuration.tlsTrustRoots),
                    serverHostname: settings.identityServerName
                ),
                config: config
            )
        } catch {
            throw StartupError("cannot load the TLS material for the identity client: \(error)")
        }
        self.grpc = GRPCClient(transport: transport, interceptors: [TraceClientInterceptor()])
    }

    func run() async throws {
        let grpc = self.grpc
        try await withGracefulShutdownHandler {
            try await grpc.runConnections()
        } onGracefulShutdown: {
            grpc.beginGracefulShutdown()
        }
    }
}
