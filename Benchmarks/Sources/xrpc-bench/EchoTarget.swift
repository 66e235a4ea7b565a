/// What a transport kind serves from: started once per run, asked for connections per load.
protocol EchoTarget: Sendable {
    var kind: TransportKind { get }
    /// A new connection (client transport) to the server, connected before it is returned.
    func connect() async throws -> any EchoCaller
    /// Stops the server.
    func stop() async
}
