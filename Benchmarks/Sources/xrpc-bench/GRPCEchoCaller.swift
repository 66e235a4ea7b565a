import Foundation
import GRPCCore
import VoucherdModel

/// Echo calls through a `GRPCClient` over any transport: what XRPC, both HTTP/2 rows and the
/// in-process row have in common, so they run exactly the same client code.
struct GRPCEchoCaller<Transport: ClientTransport>: EchoCaller {
    private let client: GRPCClient<Transport>
    private let stub: Voucherd_V1_Testing.Client<Transport>
    private let connections: Task<Void, any Error>

    /// Starts the client's connection loop and makes one call, so the connection exists
    /// before the cell's clock starts.
    static func start(transport: Transport) async throws -> Self {
        let client = GRPCClient(transport: transport)
        let connections = Task { try await client.runConnections() }
        let caller = Self(client: client, stub: .init(wrapping: client), connections: connections)
        do {
            try await caller.echo(Data([1]))
        } catch {
            await caller.close()
            throw error
        }
        return caller
    }

    private init(
        client: GRPCClient<Transport>, stub: Voucherd_V1_Testing.Client<Transport>,
        connections: Task<Void, any Error>
    ) {
        self.client = client
        self.stub = stub
        self.connections = connections
    }

    func echo(_ payload: Data) async throws {
        var request = Voucherd_V1_EchoRequest()
        request.payload = payload
        let response = try await stub.echo(request)
        // A wrong answer is a failed call, never a fast one.
        guard response.payload.count == payload.count else {
            throw BenchError.setup("echo returned \(response.payload.count) bytes, sent \(payload.count)")
        }
    }

    func expand(count: Int, size: Int) async throws -> Int {
        var request = Voucherd_V1_EchoRequest()
        request.repeat = UInt32(count)
        request.responseSize = UInt32(size)
        return try await stub.expand(request) { response in
            var received = 0
            for try await message in response.messages where message.payload.count == size {
                received += 1
            }
            return received
        }
    }

    func close() async {
        client.beginGracefulShutdown()
        _ = try? await connections.value
    }
}
