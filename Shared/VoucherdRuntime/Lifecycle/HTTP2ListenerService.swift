public import GRPCCore
public import GRPCNIOTransportHTTP2

/// The same services over standard gRPC on HTTP/2, as a lifecycle `Service`: the optional
/// second listener for stock gRPC tools. Add it to the group only when `HTTP2Listener.enabled`.
public typealias HTTP2ListenerService = GRPCServerService<HTTP2ServerTransport.Posix>

extension GRPCServerService where Transport == HTTP2ServerTransport.Posix {
    /// Builds the listener's transport from its configuration and a server on it.
    /// - Parameters:
    ///   - listener: the listener's configuration (not checked for `enabled`).
    ///   - services: the services to serve.
    ///   - interceptors: server interceptors, applied to every method.
    ///   - readiness: marked not ready when shutdown begins.
    /// - Throws: `HTTP2Listener.ConfigurationError` for an incomplete TLS configuration.
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

    /// The port the listener is bound to; waits until it is listening (so port 0 works).
    public var port: Int {
        get async throws {
            let address = try await self.server.transport.listeningAddress
            return address.ipv4?.port ?? address.ipv6?.port ?? 0
        }
    }
}
