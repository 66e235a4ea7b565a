import GRPCCore
import NIOCore
import NIOSSL
import NIOTLS
import SwiftASN1
import X509

/// The XRPC/1 protocol engine for one connection, client or server side.
///
/// It sits after the frame decoder and owns everything that is protocol: the preface and
/// SETTINGS exchange, PING, GOAWAY, stream ids, limits, and each stream's state machine. It does
/// no business work: a server stream is handed on (as `XRPCAcceptedStream`) to async code that
/// runs the call, and async code writes back through `XRPCConnectionHandle`, which hops here.
final class XRPCConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = XRPCFrame
    typealias InboundOut = XRPCAcceptedStream
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    enum ConnectionState {
        /// TLS is still handshaking.
        case handshaking
        /// Waiting for the peer's SETTINGS (the first frame it must send).
        case awaitingPeerSettings
        case ready
        /// GOAWAY sent or received: no new streams; closes when the last one ends.
        case draining
        case closed
    }

    let role: XRPCStreamStateMachine.Role
    let localSettings: XRPCSettings
    let handshakeTimeout: TimeAmount
    let policy: XRPCConnectionPolicy
    var peerSettings: XRPCSettings = .defaults
    var state: ConnectionState = .handshaking
    var streams: [UInt32: XRPCStreamRecord] = [:]
    var peer: XRPCPeer = .anonymous
    var context: ChannelHandlerContext?

    // Server side.
    /// The highest stream id the client has used (opened, refused or rejected).
    var lastPeerStreamID: UInt32 = 0
    /// The highest stream id handed to a handler: GOAWAY's "last processed" id, so a client
    /// knows every stream above it is safe to retry.
    var lastProcessedStreamID: UInt32 = 0
    // Client side.
    var nextStreamID: UInt32 = 1
    var slotsInUse = 0
    var slotWaiters = CircularBuffer<EventLoopPromise<Void>>()
    var readyPromise: EventLoopPromise<Void>?
    /// Why the connection closed, for callers that ask after the fact.
    var closeError: RPCError?
    /// Client: called on the event loop when the connection stops taking new streams.
    var onDraining: (() -> Void)?
    /// Called on the event loop for every GOAWAY the peer sends (a graceful drain sends two:
    /// first with `lastStreamID` 2^31-1, then with the real one). See `XRPCGoAway`.
    var onGoAway: ((XRPCGoAway) -> Void)?
    /// The last GOAWAY the peer sent, if any.
    var peerGoAway: XRPCGoAway?

    // Liveness, drain, flow control and the fair writer: see +Liveness, +Lifecycle,
    // +FlowControl and +Writer.
    var liveness: XRPCLivenessStateMachine
    /// Server: streams the client reset, counted against the rapid-reset limit.
    var peerResets: XRPCResetRateStateMachine
    var keepaliveTimer: Scheduled<Void>?
    var idleTimer: Scheduled<Void>?
    var writeStallTimer: Scheduled<Void>?
    var drainTimer: Scheduled<Void>?
    var drainPhase: DrainPhase = .none
    /// Credit the peer has given for MESSAGE bytes on the whole connection (see +FlowControl).
    var connectionSendWindow = XRPCSettings.defaults.initialWindowSize
    /// Both sides announced `flow_control`: stream windows are enforced both ways.
    var flowControlEnforced = false
    /// Streams with queued frames waiting for window, by id (closed streams too: their last
    /// frames still go out once credit comes).
    var windowBlocked: [UInt32: XRPCStreamRecord] = [:]
    /// The debug text of the drain's first GOAWAY, repeated in the final one.
    var pendingDrainMessage: String?
    /// When the connection last had no streams (only meaningful while it has none).
    var idleSince: NIODeadline = .now()
    /// Streams with queued frames, in round-robin order (see +Writer).
    var readyStreams = CircularBuffer<XRPCStreamRecord>()
    /// Payload bytes queued in `readyStreams`.
    var pendingOutboundBytes = 0
    var writerPassScheduled = false
    /// Shared with the tasks producing messages, so they wait while the channel is unwritable
    /// or too much is already on its way to it.
    let writabilityGate: XRPCWritabilityGate
    /// Bytes producers reserved in the gate whose messages were written since the last flush:
    /// released once flushed, when the channel's watermarks start counting them.
    var reservedAwaitingFlush = 0

    var inboundBudget: XRPCInboundBudget?
    private var readPending = false
    private var flushScheduled = false
    private var handshakeTimer: Scheduled<Void>?

    /// Creates the handler for one connection.
    /// - Parameters:
    ///   - role: which end of the connection this is.
    ///   - settings: the limits announced to the peer.
    ///   - handshakeTimeout: time allowed for TLS, preface and SETTINGS.
    ///   - policy: keepalive, idle, read and write bounds; nil takes the role's defaults.
    init(role: XRPCStreamStateMachine.Role, settings: XRPCSettings, handshakeTimeout: TimeAmount, policy: XRPCConnectionPolicy? = nil) {
        self.role = role
        let policy = policy ?? .defaults(for: role)
        self.localSettings = Self.announced(settings.normalized, flowControl: policy.flowControl)
        self.handshakeTimeout = handshakeTimeout
        self.policy = policy
        self.writabilityGate = XRPCWritabilityGate(inFlightLimit: policy.writeBufferHighWatermark)
        self.liveness = XRPCLivenessStateMachine(policy: policy, now: .now())
        // Only a server is policed for resets: a client's streams are its own to cancel, while a
        // server resetting them is not an attack on the client.
        self.peerResets = XRPCResetRateStateMachine(
            maxResets: role == .server ? policy.maxPeerResets : nil,
            window: policy.peerResetWindow.timeAmount
        )
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        // Stop reading while consumers hold more than two full messages' worth: bounded memory
        // without stalling a single large message.
        self.inboundBudget = XRPCInboundBudget(highWatermark: 2 * self.localSettings.maxMessageSize) {
            eventLoop.execute { loopBound.value.resumeReading() }
        }
        if context.channel.isActive { self.startHandshakeTimer(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        // The budget's resume closure holds this handler: without this, every closed
        // connection's handler (and its peer certificate) stayed alive in a retain cycle.
        // Found by the server-connection fuzz target under LeakSanitizer.
        self.inboundBudget = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.startHandshakeTimer(context: context)
        context.fireChannelActive()
    }

    private func startHandshakeTimer(context: ChannelHandlerContext) {
        guard self.handshakeTimer == nil else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.handshakeTimer = context.eventLoop.scheduleTask(in: self.handshakeTimeout) {
            let handler = loopBound.value
            switch handler.state {
            case .handshaking:
                // No TLS session yet, so no frame can be sent: a peer stalling its handshake
                // is simply cut off.
                handler.state = .closed
                handler.failAllStreams(RPCError(code: .unavailable, message: "TLS handshake did not complete in time"))
                handler.context?.close(promise: nil)
            case .awaitingPeerSettings:
                handler.connectionError(XRPCConnectionError(.settingsTimeout, "no preface and SETTINGS within \(handler.handshakeTimeout)"))
            default:
                break
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = event {
            self.tlsHandshakeCompleted(context: context, negotiatedProtocol: negotiated)
        } else if event is ChannelShouldQuiesceEvent {
            self.beginDraining(code: .noError, message: "server shutting down")
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Internal rather than private so codec tests can drive a handler without TLS.
    func tlsHandshakeCompleted(context: ChannelHandlerContext, negotiatedProtocol: String?) {
        // The server must check ALPN itself: BoringSSL completes the handshake even when the
        // client offered no protocol we speak.
        guard negotiatedProtocol == XRPCPreface.alpn else {
            self.state = .closed
            self.failAllStreams(RPCError(code: .unavailable, message: "peer did not negotiate ALPN \(XRPCPreface.alpn)"))
            context.close(promise: nil)
            return
        }
        if let certificate = try? context.channel.pipeline.syncOperations.nioSSL_peerCertificate(),
            let der = try? certificate.toDERBytes(),
            let parsed = try? Certificate(derEncoded: der)
        {
            self.peer = XRPCPeer(certificate: parsed)
        }
        self.state = .awaitingPeerSettings
        if self.role == .client {
            var buffer = context.channel.allocator.buffer(capacity: 64)
            buffer.writeBytes(XRPCPreface.bytes)
            context.write(self.wrapOutboundOut(buffer), promise: nil)
            self.writeSettings(context: context)
            context.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = self.unwrapInboundIn(data)
        guard self.state != .closed else { return }
        self.liveness.frameReceived(at: .now(), isData: frame.type.isData)
        do {
            try self.handle(frame: frame, context: context)
        } catch let error as XRPCConnectionError {
            self.connectionError(error)
        } catch {
            self.connectionError(XRPCConnectionError(.internalError, "unexpected failure handling \(frame.type)"))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? XRPCConnectionError {
            self.connectionError(error)
        } else {
            // TLS or socket failure: nothing can be sent any more.
            self.state = .closed
            self.failAllStreams(RPCError(code: .unavailable, message: "connection failed: \(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.state = .closed
        self.handshakeTimer?.cancel()
        self.stopConnectionTimers()
        self.writabilityGate.close()
        self.failAllStreams(RPCError(code: .unavailable, message: "connection closed"))
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        if self.inboundBudget?.shouldPause() == true {
            self.readPending = true
        } else {
            context.read()
        }
    }

    func resumeReading() {
        guard self.readPending, let context else { return }
        self.readPending = false
        context.read()
    }

    // MARK: - Frames

    private func handle(frame: XRPCFrame, context: ChannelHandlerContext) throws {
        if self.state == .awaitingPeerSettings || self.state == .handshaking {
            // GOAWAY is allowed first too: it is how a server explains refusing the connection
            // (a bad preface, a SETTINGS timeout).
            guard (frame.type == .settings && !frame.flags.contains(.ack)) || frame.type == .goaway else {
                throw XRPCConnectionError(.protocolError, "the first frame must be SETTINGS, got \(frame.type)")
            }
        }
        switch frame.type {
        case .settings: try self.receiveSettings(frame, context: context)
        case .ping: try self.receivePing(frame, context: context)
        case .goaway: try self.receiveGoAway(frame)
        case .windowUpdate: try self.receiveWindowUpdate(frame)
        case .headers where self.role == .server:
            try self.receiveRequestHeaders(frame, context: context)
        case .headers, .message, .trailers, .rst:
            try self.receiveStreamFrame(frame)
        default:
            // Unknown frame types are ignored, so the protocol can grow.
            break
        }
    }

    private func receiveSettings(_ frame: XRPCFrame, context: ChannelHandlerContext) throws {
        guard frame.streamID == 0 else {
            throw XRPCConnectionError(.protocolError, "SETTINGS on stream \(frame.streamID); it belongs to stream 0")
        }
        if frame.flags.contains(.ack) {
            guard frame.payload.readableBytes == 0 else {
                throw XRPCConnectionError(.frameSizeError, "SETTINGS ACK must have an empty payload")
            }
            return
        }
        guard self.state == .awaitingPeerSettings else {
            throw XRPCConnectionError(.protocolError, "SETTINGS sent twice; XRPC/1 settings are fixed for the connection")
        }
        self.peerSettings = try XRPCSettings.decode(frame.payload)
        self.connectionSendWindow = self.peerSettings.initialWindowSize
        self.flowControlEnforced = self.localSettings.flowControl && self.peerSettings.flowControl
        self.state = .ready
        self.handshakeTimer?.cancel()
        if self.role == .server { self.writeSettings(context: context) }
        self.write(XRPCFrame(type: .settings, flags: .ack, streamID: 0))
        self.readyPromise?.succeed()
        self.readyPromise = nil
        self.startLiveness()
    }

    private func receiveGoAway(_ frame: XRPCFrame) throws {
        var payload = frame.payload
        guard frame.streamID == 0,
            let lastStreamID = payload.readInteger(as: UInt32.self),
            let rawCode = payload.readInteger(as: UInt32.self)
        else {
            throw XRPCConnectionError(.protocolError, "GOAWAY must be on stream 0 with at least 8 bytes of payload")
        }
        let debug = payload.readString(length: payload.readableBytes) ?? ""
        let code = XRPCErrorCode(rawValue: rawCode)
        let goAway = XRPCGoAway(lastStreamID: lastStreamID & 0x7FFF_FFFF, code: code, debug: debug)
        self.peerGoAway = goAway
        self.onGoAway?(goAway)
        if self.state == .handshaking || self.state == .awaitingPeerSettings {
            // Refused before the connection was ever ready: whoever waits for it learns why.
            let error = RPCError(code: .unavailable, message: "server refused the connection with GOAWAY \(code)\(debug.isEmpty ? "" : ": \(debug)")")
            self.state = .closed
            self.failAllStreams(error)
            self.context?.close(promise: nil)
            return
        }
        if self.role == .client {
            // Streams above the server's last id were not processed: safe to retry elsewhere.
            self.clientReceivedGoAway(lastStreamID: lastStreamID, code: code, debug: debug)
        }
        self.enterDraining()
    }

    // MARK: - Writing

    func write(_ frame: XRPCFrame, promise: EventLoopPromise<Void>? = nil) {
        guard let context, self.state != .closed else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let payloadBytes = frame.payload.readableBytes
        if frame.type.isData { self.liveness.dataExchanged() }
        // Small frames are copied into one buffer; large payloads go out as their own buffer, so
        // a 4 MiB message is never copied to prepend 12 bytes.
        if payloadBytes <= 4_096 {
            var buffer = context.channel.allocator.buffer(capacity: XRPCFrame.headerSize + payloadBytes)
            buffer.writeXRPCFrame(frame)
            context.write(self.wrapOutboundOut(buffer), promise: promise)
        } else {
            var header = context.channel.allocator.buffer(capacity: XRPCFrame.headerSize)
            header.writeXRPCFrameHeader(type: frame.type, flags: frame.flags, streamID: frame.streamID, payloadLength: payloadBytes)
            context.write(self.wrapOutboundOut(header), promise: nil)
            context.write(self.wrapOutboundOut(frame.payload), promise: promise)
        }
    }

    /// Flushes once after everything queued on the event loop so far has been written, so many
    /// small writes from concurrent calls leave in few system calls.
    func scheduleFlush() {
        guard !self.flushScheduled, let context else { return }
        self.flushScheduled = true
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let handler = loopBound.value
            handler.flushScheduled = false
            handler.context?.flush()
            if handler.reservedAwaitingFlush > 0 {
                handler.writabilityGate.release(handler.reservedAwaitingFlush)
                handler.reservedAwaitingFlush = 0
            }
        }
    }

    private func writeSettings(context: ChannelHandlerContext) {
        let payload = (try? self.localSettings.encoded()) ?? ByteBuffer()
        self.write(XRPCFrame(type: .settings, streamID: 0, payload: payload))
    }

    func writeReset(streamID: UInt32, code: XRPCErrorCode, reason: String) {
        if let record = self.streams[streamID] ?? self.windowBlocked[streamID] { self.dropQueuedFrames(of: record) }
        var payload = ByteBuffer()
        payload.writeInteger(code.rawValue)
        payload.writeString(reason)
        self.write(XRPCFrame(type: .rst, streamID: streamID, payload: payload))
        self.scheduleFlush()
    }
}
