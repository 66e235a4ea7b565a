import VoucherdModel
import GRPCCore
import Synchronization
import VoucherdRuntime

func makeContext(
    method: String = "Redeem",
    service: String = "voucherd.v1.Redemption",
    remotePeer: String = "ipv4:127.0.0.1:5000"
) -> ServerContext {
    ServerContext(
        descriptor: MethodDescriptor(fullyQualifiedService: service, method: method),
        remotePeer: remotePeer,
        localPeer: "ipv4:127.0.0.1:8443",
        cancellation: .init()
    )
}

func makeRequest(metadata: Metadata = [:]) -> StreamingServerRequest<String> {
    StreamingServerRequest(single: ServerRequest(metadata: metadata, message: "request"))
}

/// Records what the handler saw.
final class HandlerProbe: Sendable {
    private let seen = Mutex<[Principal?]>([])

    var principals: [Principal?] { self.seen.withLock { $0 } }

    @Sendable func next(
        _ request: StreamingServerRequest<String>,
        _ context: ServerContext
    ) async throws -> StreamingServerResponse<String> {
        self.seen.withLock { $0.append(Principal.current) }
        return StreamingServerResponse(single: ServerResponse(message: Principal.current?.subject ?? "anonymous"))
    }
}

/// Collects messages a response producer writes.
final class CollectingWriter: RPCWriterProtocol {
    private let items = Mutex<[String]>([])

    var written: [String] { self.items.withLock { $0 } }

    func write(_ element: String) async throws {
        self.items.withLock { $0.append(element) }
    }

    func write(contentsOf elements: some Sequence<String>) async throws {
        let array = Array(elements)
        self.items.withLock { $0.append(contentsOf: array) }
    }
}
