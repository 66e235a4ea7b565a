import GRPCCore
import NIOCore
import SwiftProtobuf

extension XRPCConnectionHandler {
    /// Whether `id` names a stream that was never opened on this connection. A frame for such a
    /// stream is a connection error; a frame for a stream that was opened and has since closed is
    /// ignored, because it may have been in flight when the stream closed.
    func wasNeverOpened(_ id: UInt32) -> Bool {
        guard id % 2 == 1 else { return true }
        switch self.role {
        case .server: return id > self.lastPeerStreamID
        case .client: return id >= self.nextStreamID
        }
    }

    /// MESSAGE, TRAILERS and RST on either side, and HEADERS on the client side.
    func receiveStreamFrame(_ frame: XRPCFrame) throws {
        let id = frame.streamID
        guard id != 0 else {
            throw XRPCConnectionError(.protocolError, "\(frame.type) on stream 0; it belongs to a stream")
        }
        guard let record = self.streams[id] else {
            if self.wasNeverOpened(id) {
                throw XRPCConnectionError(.protocolError, "\(frame.type) for stream \(id), which was never opened")
            }
            return
        }

        let action: XRPCStreamStateMachine.InboundAction
        switch frame.type {
        case .rst:
            var payload = frame.payload
            let code = payload.readInteger(as: UInt32.self).map(XRPCErrorCode.init(rawValue:)) ?? .protocolError
            let reason = payload.readString(length: payload.readableBytes) ?? ""
            record.machine.reset()
            self.closeStream(id: id, record: record, reason: .resetByPeer(code), error: XRPCStatusMapping.error(forReset: code, reason: reason))
            if case .enhanceYourCalm(let resets) = self.peerResets.peerReset(at: .now()) {
                throw XRPCConnectionError(
                    .enhanceYourCalm,
                    "\(resets) streams reset by the client within \(self.policy.peerResetWindow.components.seconds) s; the limit is \(self.policy.maxPeerResets ?? 0)"
                )
            }
            return
        case .headers:
            if let length = frame.oversizedPayloadLength {
                self.failStream(record, code: .cancel, error: RPCError(
                    code: .resourceExhausted,
                    message: "response headers of \(length) bytes exceed the client's limit of \(self.localSettings.maxHeaderSize)"
                ))
                return
            }
            action = record.machine.receiveHeaders()
        case .trailers:
            if let length = frame.oversizedPayloadLength {
                let error = RPCError(
                    code: self.role == .client ? .resourceExhausted : .internalError,
                    message: "TRAILERS of \(length) bytes exceed the limit of \(self.localSettings.maxHeaderSize)"
                )
                self.failStream(record, code: .cancel, error: error)
                return
            }
            action = record.machine.receiveTrailers()
        default:
            guard self.receiveWithinWindow(frame.payload.readableBytes, record: record) else { return }
            action = record.machine.receiveMessage(flags: frame.flags, payload: frame.payload)
        }
        self.apply(action, frame: frame, record: record)
    }

    private func apply(_ action: XRPCStreamStateMachine.InboundAction, frame: XRPCFrame, record: XRPCStreamRecord) {
        switch action {
        case .deliverHeaders:
            guard case .client(let inbound) = record.sink,
                let headers = try? Xrpc_V1_ResponseHeaders(serializedBytes: Array(frame.payload.readableBytesView))
            else {
                self.failStream(record, code: .protocolError, reason: "HEADERS payload is not a valid xrpc.v1.ResponseHeaders")
                return
            }
            do {
                inbound.push(.metadata(try XRPCMetadataMapping.metadata(from: headers.metadata)))
            } catch {
                self.failStream(record, code: .protocolError, reason: error.reason)
            }

        case .deliverMessage(let message, let endOfStream):
            record.deliver(message: message)
            if endOfStream { record.finishInbound() }

        case .bufferFragment, .ignore:
            break

        case .endOfStream:
            record.finishInbound()

        case .deliverTrailers:
            guard case .client(let inbound) = record.sink,
                let trailers = try? Xrpc_V1_Trailers(serializedBytes: Array(frame.payload.readableBytesView))
            else {
                self.failStream(record, code: .protocolError, reason: "TRAILERS payload is not a valid xrpc.v1.Trailers")
                return
            }
            let status: Status
            let metadata: Metadata
            do {
                (status, metadata) = try XRPCStatusMapping.status(from: trailers)
            } catch {
                self.failStream(record, code: .protocolError, reason: error.reason)
                return
            }
            inbound.push(.status(status, metadata))
            record.machine.reset()
            self.closeStream(id: record.id, record: record, reason: .completed, error: nil)

        case .messageTooLarge(let size):
            let limit = self.localSettings.maxMessageSize
            switch self.role {
            case .server:
                // The handler sees the error in place of the message and answers with its status;
                // the rest of the client's side is dropped unread.
                record.finishInbound(throwing: RPCError(
                    code: .resourceExhausted,
                    message: "request message of at least \(size) bytes exceeds the server's limit of \(limit)"
                ), afterQueued: true)
            case .client:
                self.failStream(record, code: .cancel, error: RPCError(
                    code: .resourceExhausted,
                    message: "response message of at least \(size) bytes exceeds the client's limit of \(limit)"
                ))
            }

        case .protocolError(let reason):
            self.failStream(record, code: .protocolError, reason: reason)

        case .streamClosed(let reason):
            self.failStream(record, code: .streamClosed, reason: reason)
        }
    }

    /// Resets a stream this side can no longer carry on, telling both the peer (RST) and the
    /// local call (an error).
    func failStream(_ record: XRPCStreamRecord, code: XRPCErrorCode, reason: String) {
        self.failStream(record, code: code, error: RPCError(code: .internalError, message: "protocol error on stream \(record.id): \(reason)"), reason: reason)
    }

    func failStream(_ record: XRPCStreamRecord, code: XRPCErrorCode, error: RPCError, reason: String? = nil) {
        record.machine.reset()
        if record.id != 0 {
            self.writeReset(streamID: record.id, code: code, reason: reason ?? error.message)
        }
        self.closeStream(id: record.id, record: record, reason: .resetLocally, error: error)
    }

    /// Forgets a stream. `error` (if any) is what its consumer sees next.
    func closeStream(id: UInt32, record: XRPCStreamRecord, reason: XRPCStreamClosure, error: (any Error)?) {
        if id != 0, self.streams[id] === record {
            self.streams.removeValue(forKey: id)
            if self.streams.isEmpty { self.idleSince = .now() }
        }
        // Frames still queued are dropped when nobody will read them: the client's requests once
        // the call is over, and anything on a stream the peer reset. Otherwise frames waiting for
        // credit that never comes would stay queued for the connection's lifetime. (A local reset
        // drops them in writeReset; the server's own answer, last fragments and TRAILERS, stays.)
        switch reason {
        case .resetByPeer, .connectionClosed:
            self.dropQueuedFrames(of: record)
        case .completed, .deadlineExceeded:
            if self.role == .client { self.dropQueuedFrames(of: record) }
        case .resetLocally:
            break
        }
        record.deadlineTimer?.cancel()
        record.deadlineTimer = nil
        record.finishInbound(throwing: error)
        record.lifecycle.close(reason)
        self.releaseSlot(record)
        self.closeIfDrained()
    }
}
