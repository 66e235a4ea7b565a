import GRPCCore
import NIOCore
import SwiftProtobuf

/// A stream the server has accepted, handed from the event loop to the task that runs its call.
/// A class: the call's closures and writer all capture it, and copying a struct of seven
/// references cost 3.7% of the server's CPU (Benchmarks/README.md).
final class XRPCAcceptedStream: Sendable {
    let streamID: UInt32
    let descriptor: MethodDescriptor
    let deadline: ContinuousClock.Instant?
    let inbound: XRPCInboundBuffer<RPCRequestPart<XRPCBytes>>
    let lifecycle: XRPCStreamLifecycle
    let peer: XRPCPeer
    let connection: XRPCConnectionHandle

    init(
        streamID: UInt32,
        descriptor: MethodDescriptor,
        deadline: ContinuousClock.Instant?,
        inbound: XRPCInboundBuffer<RPCRequestPart<XRPCBytes>>,
        lifecycle: XRPCStreamLifecycle,
        peer: XRPCPeer,
        connection: XRPCConnectionHandle
    ) {
        self.streamID = streamID
        self.descriptor = descriptor
        self.deadline = deadline
        self.inbound = inbound
        self.lifecycle = lifecycle
        self.peer = peer
        self.connection = connection
    }
}

extension XRPCConnectionHandler {
    /// A client's HEADERS: the only way a stream opens.
    func receiveRequestHeaders(_ frame: XRPCFrame, context: ChannelHandlerContext) throws {
        let id = frame.streamID
        guard id % 2 == 1 else {
            throw XRPCConnectionError(.protocolError, "HEADERS on stream \(id); client streams are odd")
        }
        guard id > self.lastPeerStreamID else {
            let what = self.streams[id] != nil ? "stream \(id) opened twice" : "stream id \(id) is not above the last opened stream \(self.lastPeerStreamID)"
            throw XRPCConnectionError(.protocolError, what)
        }
        self.lastPeerStreamID = id

        // During the first phase of a drain, streams are still accepted: the client may have
        // sent them before it read the first GOAWAY.
        if self.state == .draining && self.drainPhase != .announced {
            self.writeReset(streamID: id, code: .refusedStream, reason: "server is shutting down; retry on another connection")
            return
        }
        if self.streams.count >= self.localSettings.maxConcurrentStreams {
            self.writeReset(streamID: id, code: .refusedStream, reason: "more than \(self.localSettings.maxConcurrentStreams) concurrent streams")
            return
        }
        if let length = frame.oversizedPayloadLength {
            self.writeTrailersOnly(streamID: id, status: Status(
                code: .resourceExhausted,
                message: "request headers of \(length) bytes exceed the server's limit of \(self.localSettings.maxHeaderSize)"
            ))
            return
        }
        let headers: Xrpc_V1_RequestHeaders
        do {
            headers = try Xrpc_V1_RequestHeaders(serializedBytes: Array(frame.payload.readableBytesView))
        } catch {
            self.writeReset(streamID: id, code: .protocolError, reason: "HEADERS payload is not a valid xrpc.v1.RequestHeaders")
            return
        }
        guard let descriptor = XRPCMethodPath.descriptor(from: headers.method) else {
            self.writeTrailersOnly(streamID: id, status: Status(
                code: .unimplemented,
                message: "malformed method path \"\(headers.method)\"; expected \"/package.Service/Method\""
            ))
            return
        }

        var metadata: Metadata
        do {
            metadata = try XRPCMetadataMapping.metadata(from: headers.metadata)
        } catch {
            self.writeReset(streamID: id, code: .protocolError, reason: error.reason)
            return
        }
        var deadline: ContinuousClock.Instant?
        var timeout: TimeAmount?
        if headers.hasTimeoutMicros {
            // Capped at ten years: larger values mean "no practical deadline" and would overflow.
            let micros = Int64(min(headers.timeoutMicros, 315_360_000_000_000))
            deadline = ContinuousClock.now.advanced(by: .microseconds(micros))
            timeout = .microseconds(micros)
            // GRPCCore's server executor reads the deadline from this key as well.
            metadata.replaceOrAddString(XRPCTimeoutFormat.grpcTimeout(micros: micros), forKey: XRPCMetadataMapping.timeoutKey)
        }

        let (budget, receiveWindow) = self.makeStreamBudget()
        let inbound = XRPCInboundBuffer<RPCRequestPart<XRPCBytes>>(budget: budget)
        let record = XRPCStreamRecord(
            id: id,
            machine: XRPCStreamStateMachine(role: .server, maxMessageSize: self.localSettings.maxMessageSize),
            sink: .server(inbound)
        )
        record.sendWindow = self.peerSettings.initialWindowSize
        record.receiveWindow = receiveWindow
        receiveWindow?.activate(streamID: id, initialWindow: self.localSettings.initialWindowSize)
        if self.flowControlEnforced { record.lifecycle.limitSendCredit(to: record.sendWindow) }
        inbound.push(.metadata(metadata))
        if frame.flags.contains(.endStream) {
            _ = record.machine.receiveTrailers()
            inbound.finish()
        }
        self.streams[id] = record
        self.lastProcessedStreamID = id

        if let timeout {
            let handle = XRPCConnectionHandle(handler: self, eventLoop: context.eventLoop)
            record.deadlineTimer = context.eventLoop.scheduleTask(in: timeout) {
                handle.execute { $0.serverDeadlineExceeded(streamID: id, micros: timeout.nanoseconds / 1_000) }
            }
        }

        let accepted = XRPCAcceptedStream(
            streamID: id,
            descriptor: descriptor,
            deadline: deadline,
            inbound: inbound,
            lifecycle: record.lifecycle,
            peer: self.peer,
            connection: XRPCConnectionHandle(handler: self, eventLoop: context.eventLoop)
        )
        context.fireChannelRead(self.wrapInboundOut(accepted))
    }

    private func serverDeadlineExceeded(streamID: UInt32, micros: Int64) {
        guard let record = self.streams[streamID] else { return }
        let error = RPCError(code: .deadlineExceeded, message: "deadline of \(micros) µs exceeded")
        if record.machine.sendTrailers() == .send {
            self.writeTrailers(streamID: streamID, status: Status(code: .deadlineExceeded, message: error.message), metadata: [:])
            self.scheduleFlush()
        }
        self.closeStream(id: streamID, record: record, reason: .deadlineExceeded, error: error)
    }

    // MARK: - Server writes (called through XRPCConnectionHandle)

    func serverSend(_ part: RPCResponsePart<XRPCBytes>, streamID: UInt32) {
        guard let record = self.streams[streamID] else { return }
        switch part {
        case .metadata(let metadata):
            guard self.check(record.machine.sendHeaders(), record: record) else { return }
            var headers = Xrpc_V1_ResponseHeaders()
            headers.metadata = XRPCMetadataMapping.entries(from: metadata)
            let payload = Self.serialize(headers)
            guard payload.readableBytes <= self.peerSettings.maxHeaderSize else {
                self.abortServerStream(record, status: Status(
                    code: .resourceExhausted,
                    message: "response metadata of \(payload.readableBytes) bytes exceeds the client's header limit of \(self.peerSettings.maxHeaderSize)"
                ))
                return
            }
            self.write(XRPCFrame(type: .headers, streamID: streamID, payload: payload))

        case .message(let bytes):
            guard self.check(record.machine.sendMessage(), record: record) else { return }
            guard bytes.count <= self.peerSettings.maxMessageSize else {
                self.abortServerStream(record, status: Status(
                    code: .resourceExhausted,
                    message: "response message of \(bytes.count) bytes exceeds the client's limit of \(self.peerSettings.maxMessageSize)"
                ))
                return
            }
            self.writeMessage(bytes.buffer, record: record)

        case .status(let status, let metadata):
            guard self.check(record.machine.sendTrailers(), record: record) else { return }
            self.writeTrailers(streamID: streamID, status: status, metadata: metadata)
            self.closeStream(id: streamID, record: record, reason: .completed, error: nil)
        }
        self.scheduleFlush()
    }

    /// The call's task is done with the stream. If it ended without a status, the client must
    /// still learn the call is over.
    func serverFinish(streamID: UInt32, error: (any Error)?) {
        guard let record = self.streams[streamID] else { return }
        let reason = error == nil ? "handler finished without a status" : "handler failed"
        self.writeReset(streamID: streamID, code: .internalError, reason: reason)
        self.closeStream(id: streamID, record: record, reason: .resetLocally, error: RPCError(code: .cancelled, message: reason))
    }

    /// Ends a stream with a status of the transport's own, because what the handler wrote cannot
    /// be delivered.
    private func abortServerStream(_ record: XRPCStreamRecord, status: Status) {
        if record.machine.sendTrailers() == .send {
            self.writeTrailers(streamID: record.id, status: status, metadata: [:])
        }
        self.closeStream(id: record.id, record: record, reason: .resetLocally, error: RPCError(code: .cancelled, message: status.message))
        self.scheduleFlush()
    }

    private func check(_ check: XRPCStreamStateMachine.SendCheck, record: XRPCStreamRecord) -> Bool {
        switch check {
        case .send:
            return true
        case .dropClosed:
            return false
        case .invalid(let reason):
            self.abortServerStream(record, status: Status(code: .internalError, message: "server transport misuse: \(reason)"))
            return false
        }
    }

    func writeTrailers(streamID: UInt32, status: Status, metadata: Metadata) {
        let trailers = XRPCStatusMapping.trailers(status: status, metadata: metadata)
        var payload = Self.serialize(trailers)
        if payload.readableBytes > self.peerSettings.maxHeaderSize {
            // Trailing metadata the client cannot take is dropped, and the message shortened to
            // fit, rather than losing the status. 16 bytes cover the code and field tags.
            var bare = Xrpc_V1_Trailers()
            bare.code = trailers.code
            bare.message = Self.prefix(of: trailers.message, fittingIn: self.peerSettings.maxHeaderSize - 16)
            payload = Self.serialize(bare)
        }
        self.writeStreamFrame(XRPCFrame(type: .trailers, flags: .endStream, streamID: streamID, payload: payload), record: self.streams[streamID])
    }

    func writeTrailersOnly(streamID: UInt32, status: Status) {
        self.writeTrailers(streamID: streamID, status: status, metadata: [:])
        self.scheduleFlush()
    }

    /// The longest prefix of `text` whose UTF-8 fits in `bytes`, cut on a character boundary.
    static func prefix(of text: String, fittingIn bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            guard used + size <= bytes else { break }
            result.append(character)
            used += size
        }
        return result
    }

    static func serialize(_ message: some SwiftProtobuf.Message) -> ByteBuffer {
        // Serializing our own well-formed messages cannot fail; an empty payload is the safe
        // fallback (it decodes as the message's defaults).
        ByteBuffer(bytes: (try? message.serializedBytes() as [UInt8]) ?? [])
    }
}

/// Prints a timeout in gRPC's `grpc-timeout` format: at most 8 digits and a unit.
enum XRPCTimeoutFormat {
    static func grpcTimeout(micros: Int64) -> String {
        if micros <= 99_999_999 { return "\(micros)u" }
        let millis = (micros + 999) / 1_000
        if millis <= 99_999_999 { return "\(millis)m" }
        let seconds = (millis + 999) / 1_000
        if seconds <= 99_999_999 { return "\(seconds)S" }
        return "\(min((seconds + 3_599) / 3_600, 99_999_999))H"
    }

    /// Parses a `grpc-timeout` value into microseconds.
    static func micros(fromGRPCTimeout value: String) -> Int64? {
        guard let unit = value.last, let amount = Int64(value.dropLast()), amount >= 0, value.count <= 9 else { return nil }
        switch unit {
        case "H": return amount * 3_600_000_000
        case "M": return amount * 60_000_000
        case "S": return amount * 1_000_000
        case "m": return amount * 1_000
        case "u": return amount
        case "n": return (amount + 999) / 1_000
        default: return nil
        }
    }
}
