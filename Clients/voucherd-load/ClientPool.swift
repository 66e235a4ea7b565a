import GRPCCore
import XRPC

/// `--connections` separate XRPC transports, each with its own GRPCClient, that calls are
/// spread over round-robin. Separate transports rather than one pooled transport, so the
/// run really has that many TLS connections (and server-side connection handlers).
struct ClientPool: Sendable {
    let clients: [GRPCClient<XRPCClientTransport>]

    /// The client for call `index`.
    func client(for index: Int) -> GRPCClient<XRPCClientTransport> {
        self.clients[index % self.clients.count]
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
        for _ in 0..<connections {
            clients.append(GRPCClient(transport: try XRPCClientTransport(endpoints: endpoints, tls: tls, config: config)))
        }
        let pool = ClientPool(clients: clients)
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
