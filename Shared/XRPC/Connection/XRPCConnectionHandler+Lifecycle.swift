import GRPCCore
import NIOCore

extension XRPCConnectionHandler {
    /// Sends GOAWAY with `code`, fails every stream and closes: the peer broke the protocol.
    func connectionError(_ error: XRPCConnectionError) {
        guard self.state != .closed, let context else { return }
        // Close only once GOAWAY is on the wire, so the peer learns why.
        let written = context.eventLoop.makePromise(of: Void.self)
        self.writeGoAway(lastStreamID: self.lastProcessedIDForGoAway, code: error.code, message: error.message, promise: written)
        context.flush()
        self.state = .closed
        self.stopConnectionTimers()
        self.failAllStreams(RPCError(code: .unavailable, message: "connection error: \(error)"))
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }

    /// Where a graceful drain is. The server drains in two phases: GOAWAY(2^31-1) announces it,
    /// a PING measures one round trip, then GOAWAY(last processed id) fixes which streams will be
    /// answered. The client (and a server closing an idle connection) sends one GOAWAY: `.final`.
    enum DrainPhase {
        case none
        /// The first GOAWAY and its PING are out; streams still arriving are accepted, because
        /// the client may have sent them before it read the GOAWAY.
        case announced
        /// The final GOAWAY is out (or none is needed): newer streams are refused, and the
        /// connection closes when the last accepted stream ends.
        case final
    }

    /// The id a GOAWAY sent now carries: the last stream handed to a handler (server), or 0
    /// (client: the server never opens streams).
    var lastProcessedIDForGoAway: UInt32 { self.role == .server ? self.lastProcessedStreamID : 0 }

    /// Graceful: stop taking new streams, let the ones accepted finish, then close. No accepted
    /// stream is lost, and every stream the peer learns was not processed is safe to retry.
    func beginDraining(code: XRPCErrorCode, message: String) {
        guard self.state != .closed, self.state != .draining else { return }
        if self.state == .ready {
            if self.role == .server, let context {
                self.writeGoAway(lastStreamID: XRPCGoAway.drainAnnouncement, code: code, message: message)
                self.writePing(XRPCLivenessStateMachine.drainPingPayload)
                self.drainPhase = .announced
                let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
                self.drainTimer = context.eventLoop.scheduleTask(in: self.policy.drainTimeout.timeAmount) {
                    // A peer that does not answer PING gets the final GOAWAY anyway.
                    loopBound.value.drainRoundTripCompleted()
                }
            } else {
                self.writeGoAway(lastStreamID: self.lastProcessedIDForGoAway, code: code, message: message)
                self.scheduleFlush()
            }
        }
        self.pendingDrainMessage = message
        self.enterDraining()
    }

    /// The PING sent with the first GOAWAY came back (or the wait timed out): every HEADERS the
    /// client sent before it read the first GOAWAY has arrived, so the last processed id is final.
    func drainRoundTripCompleted() {
        self.drainTimer?.cancel()
        self.drainTimer = nil
        guard self.drainPhase == .announced, self.state == .draining else { return }
        self.drainPhase = .final
        self.writeGoAway(lastStreamID: self.lastProcessedIDForGoAway, code: .noError, message: self.pendingDrainMessage ?? "draining")
        self.scheduleFlush()
        self.closeIfDrained()
    }

    func enterDraining() {
        guard self.state != .closed else { return }
        self.state = .draining
        if self.drainPhase == .none { self.drainPhase = .final }
        self.idleTimer?.cancel()
        self.idleTimer = nil
        for waiter in self.slotWaiters { waiter.fail(RPCError(code: .unavailable, message: "connection is draining")) }
        self.slotWaiters.removeAll()
        self.onDraining?()
        self.onDraining = nil
        self.closeIfDrained()
    }

    func closeIfDrained() {
        guard self.state == .draining, self.drainPhase == .final, self.streams.isEmpty, self.slotsInUse == 0, self.readyStreams.isEmpty, self.windowBlocked.isEmpty, let context else { return }
        self.state = .closed
        self.stopConnectionTimers()
        context.flush()
        context.close(promise: nil)
    }

    func writeGoAway(lastStreamID: UInt32, code: XRPCErrorCode, message: String, promise: EventLoopPromise<Void>? = nil) {
        var payload = ByteBuffer()
        payload.writeInteger(lastStreamID)
        payload.writeInteger(code.rawValue)
        payload.writeString(message)
        self.write(XRPCFrame(type: .goaway, streamID: 0, payload: payload), promise: promise)
    }

    func failAllStreams(_ error: RPCError) {
        self.dropAllQueuedFrames()
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
