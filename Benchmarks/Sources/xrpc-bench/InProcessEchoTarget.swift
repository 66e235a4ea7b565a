import GRPCInProcessTransport

/// GRPCCore's in-process transport: client and server joined by async sequences. An
/// in-process pair has one server side, so every "connection" is a pair with a server of
/// its own.
struct InProcessEchoTarget: EchoTarget {
    let kind = TransportKind.inProcess

    func connect() async throws -> any EchoCaller {
        let pair = InProcessTransport()
        let server = RunningServer.start(transport: pair.server)
        do {
            return InProcessEchoCaller(
                caller: try await GRPCEchoCaller.start(transport: pair.client), server: server)
        } catch {
            await server.stop()
            throw error
        }
    }

    func stop() async {}
}
