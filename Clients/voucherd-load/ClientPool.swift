import GRPCCore
import NIOCore
import NIOPosix
import XRPC

/// `--connections` separate XRPC transports, each with its own GRPCClient, that calls are
/// spread over round-robin. Separate transports rather than one pooled transport, so the
/// run really has that many TLS connections (and server-side connection handlers).
///
/// Each transport has an event loop of its own, and a ``LoadRunner`` caller pinned to a client
/// (``pinned``) runs on that client's loop: the load generator shares the machine with the
/// services it measures, and a caller on the pool would cross threads twice per call.
struct ClientPool: Sendable {
    let clients: [GRPCClient<XRPCClientTransport>]
    /// The clients' transports, for ``RawUnary`` calls on the hot path.
    let transports: [XRPCClientTransport]
    /// One per client: runs a pinned caller's tasks on its client's event loop.
    let executors: [XRPCEventLoopExecutor]

    /// The client a caller is pinned to, bound by ``LoadRunner`` for each caller.
    @TaskLocal static var pinned: Int?

    /// The client for call `index`: the caller's own when it is pinned, else round-robin.
    func client(for index: Int) -> GRPCClient<XRPCClientTransport> {
        self.clients[Self.slot(for: index, of: self.clients.count)]
    }

    /// The transport under ``client(for:)``.
    func transport(for index: Int) -> XRPCClientTransport {
        self.transports[Self.slot(for: index, of: self.transports.count)]
    }

    private static func slot(for index: Int, of count: Int) -> Int {
        (Self.pinned ?? index) % count
    }

    /// Creates `connections` clients to `endpoints`, runs their connections while `body`
    /// runs, then shuts them down gracefully and waits for them.
    /// - Throws: `XRPCConfigurationError` for bad TLS files; whatever `body` throws.
    static func with<Result: Sendable>(
        endpoints: [XRPCEndpoint],
        tls: XRPCClientTLS,
        connections: Int,
        _ body: (ClientPool) async throws -> Result
    ) async throws -> Result {
        var config = XRPCClientTransport.Config.defaults
        // One connection per transport, so --connections is the number of connections.
        config.maxConnectionsPerEndpoint = 1
        var clients: [GRPCClient<XRPCClientTransport>] = []
        var transports: [XRPCClientTransport] = []
        var loops: [MultiThreadedEventLoopGroup] = []
        do {
            for _ in 0..<connections {
                let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
                loops.append(loop)
                let transport = try XRPCClientTransport(endpoints: endpoints, tls: tls, config: config, eventLoopGroup: loop)
                transports.append(transport)
                clients.append(GRPCClient(transport: transport))
            }
            let pool = ClientPool(clients: clients, transports: transports, executors: loops.map { XRPCEventLoopExecutor($0.next()) })
            let result = try await Self.run(pool, body)
            await Self.shutDown(loops)
            return result
        } catch {
            await Self.shutDown(loops)
            throw error
        }
    }

    private static func shutDown(_ loops: [MultiThreadedEventLoopGroup]) async {
        for loop in loops { try? await loop.shutdownGracefully() }
    }

    /// Runs the clients' connections while `body` runs, then shuts them down and waits.
    private static func run<Result: Sendable>(
        _ pool: ClientPool, _ body: (ClientPool) async throws -> Result
    ) async throws -> Result {
        let clients = pool.clients
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients {
                // A transport that stops with an error fails its calls, which the run counts;
                // the error itself has nowhere better to go.
                group.addTask { try? await client.runConnections() }
            }
            let result: Result
            do {
                result = try await body(pool)
            } catch {
                for client in clients { client.beginGracefulShutdown() }
                try await group.waitForAll()
                throw error
            }
            for client in clients { client.beginGracefulShutdown() }
            try await group.waitForAll()
            return result
        }
    }
}
