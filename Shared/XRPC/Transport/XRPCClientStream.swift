import GRPCCore
import NIOCore

/// A client stream handed from the connection's event loop to the task making the call.
struct XRPCClientStream: Sendable {
    let record: NIOLoopBound<XRPCStreamRecord>
    let inbound: XRPCInboundBuffer<RPCResponsePart<XRPCBytes>>
    let lifecycle: XRPCStreamLifecycle
    let connection: XRPCConnectionHandle

    /// The caller is done: frees the stream's slot, and resets the stream if the call had not
    /// completed (so the server stops working on it).
    func release(error: RPCError?) {
        let record = self.record
        self.connection.execute { $0.clientRelease(record: record.value, error: error) }
    }
}

/// The outbound side of a client stream.
struct XRPCClientStreamWriter: ClosableRPCWriterProtocol {
    typealias Element = RPCRequestPart<XRPCBytes>

    let stream: XRPCClientStream

    func write(_ element: Element) async throws {
        if let closure = self.stream.lifecycle.closure {
            throw XRPCStreamClosure.error(for: closure)
        }
        let record = self.stream.record
        self.stream.connection.execute { $0.clientSend(element, record: record.value) }
    }

    func write(contentsOf elements: some Sequence<Element>) async throws {
        for element in elements { try await self.write(element) }
    }

    func finish() async {
        let record = self.stream.record
        self.stream.connection.execute { $0.clientHalfClose(record: record.value) }
    }

    func finish(throwing error: any Error) async {
        let rpcError = (error as? RPCError) ?? RPCError(code: .cancelled, message: "the request stream failed: \(error)")
        self.stream.release(error: rpcError)
    }
}
