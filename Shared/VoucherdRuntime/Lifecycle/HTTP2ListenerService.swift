public import GRPCCore
public import GRPCNIOTransportHTTP2
public import ServiceLifecycle

/// Runs a `GRPCServer` over the standard gRPC HTTP/2 transport (with TLS) as a ServiceLifecycle
/// `Service`, serving the same services as the XRPC listener for stock gRPC tools.
///
/// ``run()`` serves; a graceful shutdown (SIGTERM through a `ServiceGroup`, or
/// `triggerGracefulShutdown()`) calls `beginGracefulShutdown()`: the transport stops accepting,
/// lets the calls in flight finish, and ``run()`` returns once they have.
public struct HTTP2ListenerService: Service {
    /// The wrapped server.
    public let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let readiness: Readiness?

    /// Wraps a server.
    /// - Parameters:
    ///   - server: the server to run; not yet serving.
    ///   - readiness: marked not ready when shutdown begins.
    public init(server: GRPCServer<HTTP2ServerTransport.Posix>, readiness: Readiness? = nil) {
        self.server = server
        self.readiness = readiness
    }

    /// Creates the server from a transport, services and interceptors.
    /// - Parameters:
    ///   - transport: the HTTP/2 server transport.
    ///   - services: what to serve.
    ///   - interceptors: run on every call, first outermost.
    ///   - readiness: marked not ready when shutdown begins.
    public init(
        transport: HTTP2ServerTransport.Posix,
        services: [any RegistrableRPCService],
        interceptors: [any ServerInterceptor] = [],
        readiness: Readiness? = nil
    ) {
        self.init(
            server: GRPCServer(transport: transport, services: services, interceptors: interceptors),
            readiness: readiness
        )
    }

    /// Creates the server from a listener configuration, services and interceptors.
    ///
    /// Does not check ``HTTP2Listener/enabled``; the caller decides whether to run it.
    /// - Parameters:
    ///   - listener: where to listen and with which TLS files.
    ///   - services: what to serve.
    ///   - interceptors: run on every call, first outermost.
    ///   - readiness: marked not ready when shutdown begins.
    /// - Throws: ``HTTP2Listener/ConfigurationError`` if the configuration is incomplete.
    public init(
        listener: HTTP2Listener,
        services: [any RegistrableRPCService],
        interceptors: [any ServerInterceptor] = [],
        readiness: Readiness? = nil
    ) throws {
        self.init(
            transport: try listener.makeTransport(),
            services: services,
            interceptors: interceptors,
            readiness: readiness
        )
    }

    /// The port the server listens on; waits until it is bound.
    /// - Throws: if the server failed to bind or has stopped.
    public var port: Int {
        get async throws {
            let address = try await self.server.transport.listeningAddress
            return address.ipv4?.port ?? address.ipv6?.port ?? 0
        }
    }

    /// Serves until graceful shutdown has drained the calls in flight.
    /// - Throws: the server's `RuntimeError` if the transport fails (for example, unreadable
    ///   TLS files or a port already in use).
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
