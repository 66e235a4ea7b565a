import GRPCCore
import NIOCore

/// What the connection handler keeps for one open stream. Lives on the event loop only.
final class XRPCStreamRecord {
    /// Where received parts go: the server hands request parts to a handler, the client hands
    /// response parts to the caller.
    enum Sink {
        case server(XRPCInboundBuffer<RPCRequestPart<XRPCBytes>>)
        case client(XRPCInboundBuffer<RPCResponsePart<XRPCBytes>>)
    }

    /// 0 until a client stream sends its HEADERS: ids are assigned in sending order, so they
    /// reach the server increasing.
    var id: UInt32
    var machine: XRPCStreamStateMachine
    let sink: Sink
    let lifecycle: XRPCStreamLifecycle
    /// Client: the deadline inherited from the handler that makes this call.
    let inheritedDeadline: ContinuousClock.Instant?
    var deadlineTimer: Scheduled<Void>?
    /// Client: whether it still holds one of the connection's concurrent-stream slots.
    var holdsSlot: Bool
    /// Client: the method path its HEADERS will carry.
    var methodPath: String = ""
    /// Credit the peer has given for MESSAGE payload bytes on this stream: its SETTINGS'
    /// initial window, plus WINDOW_UPDATEs, minus what was sent.
    var sendWindow = XRPCSettings.defaults.initialWindowSize
    /// Frames waiting for the connection's round-robin writer, in stream order.
    var pendingFrames = XRPCFrameQueue()
    /// What the peer may still send on this stream, when flow control is on (else nil).
    var receiveWindow: XRPCReceiveWindow?

    init(id: UInt32, machine: XRPCStreamStateMachine, sink: Sink, inheritedDeadline: ContinuousClock.Instant? = nil) {
        self.id = id
        self.machine = machine
        self.sink = sink
        self.lifecycle = XRPCStreamLifecycle()
        self.inheritedDeadline = inheritedDeadline
        self.deadlineTimer = nil
        self.holdsSlot = false
    }

    func deliver(message: ByteBuffer) {
        let bytes = XRPCBytes(message)
        switch self.sink {
        case .server(let buffer): buffer.push(.message(bytes), bytes: message.readableBytes)
        case .client(let buffer): buffer.push(.message(bytes), bytes: message.readableBytes)
        }
    }

    /// Ends the inbound side: normally, or with the error the consumer will see.
    func finishInbound(throwing error: (any Error)? = nil, afterQueued: Bool = false) {
        switch self.sink {
        case .server(let buffer): buffer.finish(throwing: error, afterQueued: afterQueued)
        case .client(let buffer): buffer.finish(throwing: error, afterQueued: afterQueued)
        }
    }
}
