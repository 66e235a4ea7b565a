public import GRPCCore
public import ServiceLifecycle
public import XRPC
import NIOCore

/// Runs a `GRPCServer` over XRPC as a ServiceLifecycle `Service`: ``run()`` serves, and a
/// graceful shutdown (SIGTERM through a `ServiceGroup`, or `triggerGracefulShutdown()`) calls
/// `beginGracefulShutdown()`: the transport stops accepting, sends GOAWAY, lets the calls in
/// flight finish, and ``run()`` returns once they have.
public struct XRPCServerService: Service {
    /// The wrapped server.
    public let server: GRPCServer<XRPCServerTransport>
    private let readiness: Readiness?

    /// Wraps a server.
    /// - Parameters:
    ///   - server: the server to run; not yet serving.
    ///   - readiness: marked not ready when shutdown begins, so `/readyz` stops routing traffic here.
    public init(server: GRPCServer<XRPCServerTransport>, readiness: Readiness? = nil) {
        self.server = server
        self.readiness = readiness
    }

    /// Creates the server from a transport, services and interceptors.
    /// - Parameters:
    ///   - transport: the XRPC server transport.
    ///   - services: what to serve.
    ///   - interceptors: run on every call, first outermost.
    ///   - readiness: marked not ready when shutdown begins.
    public init(
        transport: XRPCServerTransport,
        services: [any RegistrableRPCService],
        interceptors: [any ServerInterceptor] = [],
        readiness: Readiness? = nil
    ) {
        self.init(
            server: GRPCServer(transport: transport, services: services, interceptors: interceptors),
            readiness: readiness
        )
    }

    /// The port the server listens on; waits until it is bound.
    /// - Throws: if the server failed to bind or has stopped.
    public var port: Int {
        get async throws { try await self.server.transport.listeningAddress.port ?? 0 }
    }

    /// Serves until graceful shutdown has drained the calls in flight.
    /// - Throws: the server's `RuntimeError` if the transport fails.
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
