import GRPCCore
import NIOCore

extension XRPCFrameType {
    /// HEADERS, MESSAGE and TRAILERS: frames that carry calls, as opposed to connection upkeep.
    var isData: Bool { self == .headers || self == .message || self == .trailers }
}

extension XRPCConnectionHandler {
    /// Starts keepalive and the idle timer once the connection is ready.
    func startLiveness() {
        self.liveness = XRPCLivenessStateMachine(policy: self.policy, now: .now())
        self.keepaliveTick()
        self.idleSince = .now()
        self.updateIdleTimer()
    }

    func stopConnectionTimers() {
        self.keepaliveTimer?.cancel()
        self.keepaliveTimer = nil
        self.idleTimer?.cancel()
        self.idleTimer = nil
        self.writeStallTimer?.cancel()
        self.writeStallTimer = nil
        self.drainTimer?.cancel()
        self.drainTimer = nil
    }

    // MARK: - Keepalive

    private func keepaliveTick() {
        self.keepaliveTimer = nil
        guard self.state == .ready || self.state == .draining, let context else { return }
        switch self.liveness.keepaliveTick(now: .now()) {
        case .disabled:
            return
        case .wait(let deadline):
            self.scheduleKeepalive(at: deadline, context: context)
        case .sendPing(let payload, let checkAgainAt):
            self.writePing(payload)
            self.scheduleKeepalive(at: checkAgainAt, context: context)
        case .timedOut:
            // The peer is presumed gone, so no GOAWAY: nothing would read it.
            self.state = .closed
            self.stopConnectionTimers()
            self.failAllStreams(RPCError(code: .unavailable, message: "keepalive PING not acknowledged within \(self.liveness.keepaliveTimeout)"))
            context.close(promise: nil)
        }
    }

    private func scheduleKeepalive(at deadline: NIODeadline, context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.keepaliveTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            loopBound.value.keepaliveTick()
        }
    }

    func writePing(_ payload: UInt64, ack: Bool = false) {
        var buffer = ByteBuffer()
        buffer.writeInteger(payload)
        self.write(XRPCFrame(type: .ping, flags: ack ? .ack : [], streamID: 0, payload: buffer))
        self.scheduleFlush()
    }

    // MARK: - Receiving PING

    func receivePing(_ frame: XRPCFrame, context: ChannelHandlerContext) throws {
        guard frame.streamID == 0 else {
            throw XRPCConnectionError(.protocolError, "PING on stream \(frame.streamID); it belongs to stream 0")
        }
        guard frame.payload.readableBytes == 8, let payload = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt64.self) else {
            throw XRPCConnectionError(.frameSizeError, "PING payload must be 8 bytes, got \(frame.payload.readableBytes)")
        }
        if frame.flags.contains(.ack) {
            if payload == XRPCLivenessStateMachine.drainPingPayload {
                self.drainRoundTripCompleted()
            } else {
                _ = self.liveness.pingAcknowledged(payload: payload)
            }
            return
        }
        // Only the server polices, as in gRPC: a client cannot refuse its server's keepalive.
        let verdict = self.role == .server ? self.liveness.peerPing(at: .now()) : .answer
        switch verdict {
        case .answer:
            self.write(XRPCFrame(type: .ping, flags: .ack, streamID: 0, payload: frame.payload))
        case .enhanceYourCalm(let strikes):
            throw XRPCConnectionError(
                .enhanceYourCalm,
                "too many PINGs: \(strikes) less than \(self.liveness.minPeerPingInterval) apart without data in between"
            )
        }
    }

    // MARK: - Idle

    /// Runs for as long as the connection is ready. It is armed once and re-armed lazily on
    /// expiry, not per stream, so that a busy connection pays nothing per call for it.
    func updateIdleTimer() {
        guard let idleTimeout = self.policy.idleTimeout?.timeAmount, let context, self.idleTimer == nil else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.idleTimer = context.eventLoop.scheduleTask(deadline: self.idleSince + idleTimeout) {
            let handler = loopBound.value
            handler.idleTimer = nil
            guard handler.state == .ready else { return }
            guard handler.streams.isEmpty, handler.slotsInUse == 0, NIODeadline.now() >= handler.idleSince + idleTimeout else {
                if !handler.streams.isEmpty || handler.slotsInUse > 0 { handler.idleSince = .now() }
                handler.updateIdleTimer()
                return
            }
            // One GOAWAY with the real last id, then close: a HEADERS crossing it is above that
            // id, so its client knows it was not processed.
            handler.writeGoAway(lastStreamID: handler.lastProcessedIDForGoAway, code: .noError, message: "idle for \(idleTimeout) with no streams")
            handler.drainPhase = .final
            handler.enterDraining()
        }
    }

    // MARK: - Write bounds

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        self.updateProducerGate()
        if writable {
            self.writeStallTimer?.cancel()
            self.writeStallTimer = nil
            self.scheduleWriterPass()
        } else if self.writeStallTimer == nil {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let timeout = self.policy.writeStallTimeout.timeAmount
            self.writeStallTimer = context.eventLoop.scheduleTask(in: timeout) {
                let handler = loopBound.value
                handler.writeStallTimer = nil
                guard handler.state != .closed, let context = handler.context, !context.channel.isWritable else { return }
                // The peer has not read for the whole period: give up on it. A GOAWAY would only
                // queue behind what it does not read.
                handler.state = .closed
                handler.stopConnectionTimers()
                handler.failAllStreams(RPCError(code: .unavailable, message: "the peer stopped reading for \(timeout)"))
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }
}
