import GRPCCore
import NIOCore
import SwiftProtobuf

extension XRPCConnectionHandler {
    /// Client: resolves once the server's SETTINGS have arrived and calls may start.
    func waitUntilReady(_ promise: EventLoopPromise<Void>) {
        switch self.state {
        case .ready:
            promise.succeed()
        case .handshaking, .awaitingPeerSettings:
            if let existing = self.readyPromise {
                existing.futureResult.cascade(to: promise)
            } else {
                self.readyPromise = promise
            }
        case .draining, .closed:
            promise.fail(self.closeError ?? RPCError(code: .unavailable, message: "connection is closed"))
        }
    }

    /// The largest stream id: the top bit is reserved.
    static let maxStreamID: UInt32 = 0x7FFF_FFFF

    /// Client: reserves one of the server's concurrent-stream slots, waiting if all are taken.
    /// The stream id is assigned later, when HEADERS is sent.
    func openClientStream(
        methodPath: String,
        inheritedDeadline: ContinuousClock.Instant?,
        eventLoop: any EventLoop
    ) -> EventLoopFuture<XRPCClientStream> {
        guard self.state == .ready else {
            return eventLoop.makeFailedFuture(RPCError(code: .unavailable, message: "connection is not taking new calls", cause: XRPCNotProcessed()))
        }
        let slot: EventLoopFuture<Void>
        if self.slotsInUse < self.peerSettings.maxConcurrentStreams {
            self.slotsInUse += 1
            slot = eventLoop.makeSucceededVoidFuture()
        } else {
            let waiter = eventLoop.makePromise(of: Void.self)
            self.slotWaiters.append(waiter)
            // The waiter holds its slot once granted: releaseSlot hands it over without
            // decrementing.
            slot = waiter.futureResult
        }
        let handle = XRPCConnectionHandle(handler: self, eventLoop: eventLoop)
        let (budget, receiveWindow) = self.makeStreamBudget()
        let maxMessageSize = self.localSettings.maxMessageSize
        // The caller's writes wait for the server's credit, as a server handler's do for the
        // client's (PROTOCOL.md §10.8): without this, a server that does not read would have
        // the client queue request bytes for it without bound.
        let initialCredit = self.flowControlEnforced ? self.peerSettings.initialWindowSize : nil
        return slot.map {
            let inbound = XRPCInboundBuffer<RPCResponsePart<XRPCBytes>>(budget: budget)
            let record = XRPCStreamRecord(
                id: 0,
                machine: XRPCStreamStateMachine(role: .client, maxMessageSize: maxMessageSize),
                sink: .client(inbound),
                inheritedDeadline: inheritedDeadline
            )
            record.holdsSlot = true
            record.receiveWindow = receiveWindow
            record.methodPath = methodPath
            if let initialCredit { record.lifecycle.limitSendCredit(to: initialCredit) }
            return XRPCClientStream(record: NIOLoopBound(record, eventLoop: eventLoop), inbound: inbound, lifecycle: record.lifecycle, connection: handle)
        }
    }

    func releaseSlot(_ record: XRPCStreamRecord) {
        guard record.holdsSlot else { return }
        record.holdsSlot = false
        if let waiter = self.slotWaiters.popFirst() {
            waiter.succeed()
        } else {
            self.slotsInUse -= 1
        }
    }

    /// Client: the server sent GOAWAY. Streams above `lastStreamID` were not processed: they
    /// fail UNAVAILABLE marked `XRPCNotProcessed`, so the transport re-sends them on another
    /// connection; streams at or below it carry on. Called for every GOAWAY, so a two-phase
    /// drain (first 2^31-1, then the real last id) fails the right streams at the second one;
    /// a later GOAWAY can only lower the id, since streams above an earlier one are gone.
    /// The caller then stops the connection taking new streams (`enterDraining`).
    func clientReceivedGoAway(lastStreamID: UInt32, code: XRPCErrorCode, debug: String) {
        let last = lastStreamID & Self.maxStreamID
        let unprocessed = self.streams.filter { $0.key > last }
        for (id, record) in unprocessed.sorted(by: { $0.key < $1.key }) {
            self.closeStream(id: id, record: record, reason: .connectionClosed, error: RPCError(
                code: .unavailable,
                message: "server sent GOAWAY (\(code)\(debug.isEmpty ? "" : ": \(debug)")) before processing this call",
                cause: XRPCNotProcessed()
            ))
        }
    }

    // MARK: - Client writes (called through XRPCConnectionHandle)

    func clientSend(_ part: RPCRequestPart<XRPCBytes>, record: XRPCStreamRecord) {
        guard !record.lifecycle.isClosed else { return }
        switch part {
        case .metadata(let metadata):
            self.sendRequestHeaders(metadata, record: record)
        case .message(let bytes):
            guard record.id != 0 else {
                self.failStream(record, code: .internalError, error: RPCError(code: .internalError, message: "client transport misuse: message before metadata"))
                return
            }
            switch record.machine.sendMessage() {
            case .send:
                guard bytes.count <= self.peerSettings.maxMessageSize else {
                    self.failStream(record, code: .cancel, error: RPCError(
                        code: .resourceExhausted,
                        message: "request message of \(bytes.count) bytes exceeds the server's limit of \(self.peerSettings.maxMessageSize)"
                    ))
                    return
                }
                self.writeMessage(bytes.buffer, record: record)
            case .dropClosed, .invalid:
                return
            }
        }
        self.scheduleFlush()
    }

    private func sendRequestHeaders(_ metadata: Metadata, record: XRPCStreamRecord) {
        guard record.id == 0 else {
            self.failStream(record, code: .internalError, error: RPCError(code: .internalError, message: "client transport misuse: metadata written twice"))
            return
        }
        guard self.state == .ready else {
            self.closeStream(id: 0, record: record, reason: .connectionClosed, error: RPCError(
                code: .unavailable, message: "connection stopped taking new calls before this one was sent; it was not processed",
                cause: XRPCNotProcessed()
            ))
            return
        }
        for key in metadata.map(\.key) {
            if let problem = XRPCMetadataMapping.problem(withKey: XRPCMetadataMapping.asciiLowercased(key)) {
                self.closeStream(id: 0, record: record, reason: .resetLocally, error: RPCError(code: .invalidArgument, message: problem))
                return
            }
        }
        // The call's timeout is the smaller of its own (GRPCCore puts it in grpc-timeout) and what
        // is left of the deadline inherited from the handler making the call.
        var timeoutMicros = metadata[stringValues: XRPCMetadataMapping.timeoutKey]
            .first(where: { _ in true }).flatMap(XRPCTimeoutFormat.micros(fromGRPCTimeout:))
        if let inherited = record.inheritedDeadline {
            let remaining = ContinuousClock.now.duration(to: inherited)
            let micros = remaining <= .zero ? 0 : Int64(remaining.microsecondsRoundedUp)
            timeoutMicros = min(timeoutMicros ?? micros, micros)
        }
        if let timeoutMicros, timeoutMicros <= 0 {
            self.closeStream(id: 0, record: record, reason: .deadlineExceeded, error: RPCError(
                code: .deadlineExceeded, message: "deadline exceeded before the call was sent"
            ))
            return
        }

        var headers = Xrpc_V1_RequestHeaders()
        headers.method = record.methodPath
        if let timeoutMicros { headers.timeoutMicros = UInt64(timeoutMicros) }
        headers.metadata = XRPCMetadataMapping.entries(from: metadata, excluding: [XRPCMetadataMapping.timeoutKey])
        let payload = Self.serialize(headers)
        guard payload.readableBytes <= self.peerSettings.maxHeaderSize else {
            self.closeStream(id: 0, record: record, reason: .resetLocally, error: RPCError(
                code: .resourceExhausted,
                message: "request metadata of \(payload.readableBytes) bytes exceeds the server's header limit of \(self.peerSettings.maxHeaderSize)"
            ))
            return
        }

        guard self.nextStreamID <= Self.maxStreamID else {
            // Ids are never reused: a connection that has used them all drains and the pool
            // opens a fresh one. This call was not sent, so it is safe to retry.
            self.closeStream(id: 0, record: record, reason: .connectionClosed, error: RPCError(
                code: .unavailable, message: "connection ran out of stream ids; the call was not sent", cause: XRPCNotProcessed()
            ))
            self.beginDraining(code: .noError, message: "stream ids exhausted")
            return
        }
        let id = self.nextStreamID
        self.nextStreamID += 2
        record.id = id
        record.sendWindow = self.peerSettings.initialWindowSize
        record.receiveWindow?.activate(streamID: id, initialWindow: self.localSettings.initialWindowSize)
        self.streams[id] = record
        self.write(XRPCFrame(type: .headers, streamID: id, payload: payload))

        if let timeoutMicros, let eventLoop = self.context?.eventLoop {
            let handle = XRPCConnectionHandle(handler: self, eventLoop: eventLoop)
            record.deadlineTimer = eventLoop.scheduleTask(in: .microseconds(timeoutMicros)) {
                handle.execute { handler in
                    guard let record = handler.streams[id] else { return }
                    handler.failStream(record, code: .cancel, error: RPCError(
                        code: .deadlineExceeded, message: "deadline of \(timeoutMicros) µs exceeded"
                    ))
                }
            }
        }
    }

    /// Client: no more request messages.
    func clientHalfClose(record: XRPCStreamRecord) {
        guard record.id != 0, self.streams[record.id] === record else { return }
        if record.machine.sendTrailers() == .send {
            self.writeStreamFrame(XRPCFrame(type: .trailers, flags: .endStream, streamID: record.id), record: record)
            self.scheduleFlush()
        }
    }

    /// Client: the caller is done with the stream. If the call has not completed, the server is
    /// told to stop (RST CANCEL), and the slot is freed either way.
    func clientRelease(record: XRPCStreamRecord, error: RPCError?) {
        if record.id != 0, self.streams[record.id] === record {
            self.failStream(record, code: .cancel, error: error ?? RPCError(code: .cancelled, message: "call cancelled by the client"))
        } else {
            self.closeStream(id: 0, record: record, reason: .resetLocally, error: error)
        }
    }
}
