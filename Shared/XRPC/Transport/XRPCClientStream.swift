import GRPCCore
import NIOCore
import Synchronization

/// A client stream handed from the connection's event loop to the task making the call.
struct XRPCClientStream: Sendable {
    let record: NIOLoopBound<XRPCStreamRecord>
    let inbound: XRPCInboundBuffer<RPCResponsePart<XRPCBytes>>
    let lifecycle: XRPCStreamLifecycle
    let connection: XRPCConnectionHandle
    /// What the caller writes, on its way to the event loop.
    let outbound = XRPCClientOutbound()

    /// Sends a request part, after the parts sent before it.
    func send(_ part: RPCRequestPart<XRPCBytes>) {
        self.outbound.enqueue(.send(part), to: self)
    }

    /// No more request messages.
    func halfClose() {
        self.outbound.enqueue(.halfClose, to: self)
    }

    /// The caller is done: frees the stream's slot, and resets the stream if the call had not
    /// completed (so the server stops working on it).
    func release(error: RPCError?) {
        // A stream that completed (its TRAILERS arrived) was already forgotten and its slot
        // freed on the event loop, so the release would do nothing there: skip the hop.
        // Anything still queued is dropped on the loop anyway, since the stream is closed.
        if self.lifecycle.closure == .completed { return }
        self.outbound.enqueue(.release(error), to: self)
    }
}

/// The parts a caller writes to one client stream, handed to the event loop in batches.
///
/// Each part used to be its own `execute`: a unary call cost the event loop three wake-ups
/// (metadata, message, end) for what fits in one write. Parts now queue behind a lock, and
/// only the first part queued while no drain is pending schedules one; the drain takes
/// whatever has queued by the time it runs, so a unary request usually goes out in one
/// submission. The drain keeps running until the queue is empty, so parts are handed to the
/// handler in the order they were queued even when a drain runs inline (the caller is on the
/// event loop) or the handler's work queues more.
final class XRPCClientOutbound: Sendable {
    enum Operation: Sendable {
        case send(RPCRequestPart<XRPCBytes>)
        case halfClose
        case release(RPCError?)
    }

    private struct State {
        var pending: [Operation] = []
        /// A drain is scheduled or running: new parts are picked up by it.
        var draining = false
    }

    private let state = Mutex(State())

    init() {}

    func enqueue(_ operation: Operation, to stream: XRPCClientStream) {
        let schedule = self.state.withLock { state -> Bool in
            state.pending.append(operation)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        guard schedule else { return }
        let record = stream.record
        stream.connection.execute { handler in self.drain(into: handler, record: record.value) }
    }

    /// Event loop: hands every queued part to the handler, in order.
    private func drain(into handler: XRPCConnectionHandler, record: XRPCStreamRecord) {
        while true {
            var batch: [Operation] = []
            self.state.withLock { state in
                if state.pending.isEmpty {
                    state.draining = false
                } else {
                    swap(&batch, &state.pending)
                }
            }
            if batch.isEmpty { return }
            for operation in batch {
                switch operation {
                case .send(let part): handler.clientSend(part, record: record)
                case .halfClose: handler.clientHalfClose(record: record)
                case .release(let error): handler.clientRelease(record: record, error: error)
                }
            }
        }
    }
}
