import GRPCCore

/// A `GRPCServer` serving ``BenchEchoService`` in a task of its own, for as long as the run
/// (or, in-process, the connection) lasts.
struct RunningServer: Sendable {
    private let shutdown: @Sendable () -> Void
    private let task: Task<Void, any Error>

    static func start<Transport: ServerTransport>(transport: Transport) -> RunningServer {
        let server = GRPCServer(transport: transport, services: [BenchEchoService()])
        let task = Task { try await server.serve() }
        return RunningServer(shutdown: { server.beginGracefulShutdown() }, task: task)
    }

    /// Stops accepting, lets calls in flight finish, and waits for the server to return.
    func stop() async {
        shutdown()
        _ = try? await task.value
    }
}
