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
