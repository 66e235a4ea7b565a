import GRPCCore
import NIOCore

extension XRPCConnectionHandler {
    /// Sends GOAWAY with `code`, fails every stream and closes: the peer broke the protocol.
    func connectionError(_ error: XRPCConnectionError) {
        guard self.state != .closed, let context else { return }
        // Close only once GOAWAY is on the wire, so the peer learns why.
        let written = context.eventLoop.makePromise(of: Void.self)
        self.writeGoAway(code: error.code, message: error.message, promise: written)
        context.flush()
        self.state = .closed
        self.failAllStreams(RPCError(code: .unavailable, message: "connection error: \(error)"))
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }

    /// Graceful: announce the last stream that will be processed, refuse newer ones, and close
    /// once the streams in flight have finished.
    func beginDraining(code: XRPCErrorCode, message: String) {
        guard self.state != .closed, self.state != .draining else { return }
        if self.state == .ready {
            self.writeGoAway(code: code, message: message)
            self.scheduleFlush()
        }
        self.enterDraining()
    }

    func enterDraining() {
        guard self.state != .closed else { return }
        self.state = .draining
        for waiter in self.slotWaiters { waiter.fail(RPCError(code: .unavailable, message: "connection is draining")) }
        self.slotWaiters.removeAll()
        self.onDraining?()
        self.onDraining = nil
        self.closeIfDrained()
    }

    func closeIfDrained() {
        guard self.state == .draining, self.streams.isEmpty, self.slotsInUse == 0, let context else { return }
        self.state = .closed
        context.flush()
        context.close(promise: nil)
    }

    func writeGoAway(code: XRPCErrorCode, message: String, promise: EventLoopPromise<Void>? = nil) {
        var payload = ByteBuffer()
        payload.writeInteger(self.role == .server ? self.lastProcessedStreamID : 0)
        payload.writeInteger(code.rawValue)
        payload.writeString(message)
        self.write(XRPCFrame(type: .goaway, streamID: 0, payload: payload), promise: promise)
    }

    func failAllStreams(_ error: RPCError) {
        if self.closeError == nil { self.closeError = error }
        let streams = self.streams
        self.streams.removeAll()
        for (_, record) in streams {
            record.deadlineTimer?.cancel()
            record.machine.reset()
            record.finishInbound(throwing: error)
            record.lifecycle.close(.connectionClosed)
        }
        for waiter in self.slotWaiters { waiter.fail(error) }
        self.slotWaiters.removeAll()
        self.readyPromise?.fail(error)
        self.readyPromise = nil
    }
}
