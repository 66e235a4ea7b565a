import Foundation
import GRPCInProcessTransport

/// An in-process connection: the client, and the server that only it talks to.
struct InProcessEchoCaller: EchoCaller {
    let caller: GRPCEchoCaller<InProcessTransport.Client>
    let server: RunningServer

    func echo(_ payload: Data) async throws { try await caller.echo(payload) }

    func expand(count: Int, size: Int) async throws -> Int {
        try await caller.expand(count: count, size: size)
    }

    func close() async {
        await caller.close()
        await server.stop()
    }
}
