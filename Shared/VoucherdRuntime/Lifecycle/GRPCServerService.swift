public import GRPCCore
public import ServiceLifecycle

/// A `GRPCServer` as a swift-service-lifecycle `Service`, whatever its transport: `run()`
/// serves, and the group's graceful shutdown (SIGTERM) marks the service not ready and lets the
/// transport drain the calls in flight before `run()` returns.
///
/// `XRPCServerService` and `HTTP2ListenerService` are this service on the XRPC and HTTP/2
/// transports.
public struct GRPCServerService<Transport: ServerTransport>: Service {
    /// The server being run.
    public let server: GRPCServer<Transport>
    private let readiness: Readiness?

    /// Runs an existing server.
    /// - Parameters:
    ///   - server: the server.
    ///   - readiness: marked not ready when shutdown begins.
    public init(server: GRPCServer<Transport>, readiness: Readiness? = nil) {
        self.server = server
        self.readiness = readiness
    }

    /// Builds a server on `transport` for `services`.
    /// - Parameters:
    ///   - transport: the server transport.
    ///   - services: the services to serve.
    ///   - interceptors: server interceptors, applied to every method.
    ///   - readiness: marked not ready when shutdown begins.
    public init(
        transport: Transport,
        services: [any RegistrableRPCService],
        interceptors: [any ServerInterceptor] = [],
        readiness: Readiness? = nil
    ) {
        self.init(
            server: GRPCServer(transport: transport, services: services, interceptors: interceptors),
            readiness: readiness
        )
    }

    /// Serves until graceful shutdown, then drains.
    public func run() async throws {
        let server = self.server
        let readiness = self.readiness
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            readiness?.markNotReady()
            server.beginGracefulShutdown()
        }
    }
}
