import Synchronization

/// One stream's receive window, shared between the event loop (bytes arriving) and the task
/// consuming the stream (bytes consumed). Inactive, and free of any effect, until the connection
/// has agreed flow control with the peer and the stream has its id.
final class XRPCReceiveWindow: Sendable {
    private struct State {
        var machine: XRPCReceiveWindowStateMachine?
        var streamID: UInt32 = 0
    }

    private let state = Mutex(State())
    /// Sends WINDOW_UPDATE(stream, increment) from the event loop; called from any thread.
    private let grant: @Sendable (_ streamID: UInt32, _ increment: Int) -> Void

    init(grant: @escaping @Sendable (_ streamID: UInt32, _ increment: Int) -> Void) {
        self.grant = grant
    }

    /// Event loop: flow control is on for this stream, from now on.
    func activate(streamID: UInt32, initialWindow: Int) {
        self.state.withLock { state in
            state.streamID = streamID
            state.machine = XRPCReceiveWindowStateMachine(initialWindow: initialWindow)
        }
    }

    /// Event loop: MESSAGE payload bytes arrived. nil when the window is inactive.
    func received(_ bytes: Int) -> XRPCReceiveWindowStateMachine.ReceiveResult? {
        self.state.withLock { state in state.machine?.received(bytes) }
    }

    /// Any thread: the application consumed (or dropped) `bytes` it had received.
    func consumed(_ bytes: Int) {
        let due: (UInt32, Int)? = self.state.withLock { state in
            guard let increment = state.machine?.consumed(bytes) else { return nil }
            return (state.streamID, increment)
        }
        if let (id, increment) = due { self.grant(id, increment) }
    }
}
