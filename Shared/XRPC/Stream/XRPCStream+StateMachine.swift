import NIOCore

/// The protocol state of one stream, seen from one endpoint. Pure: it decides, the connection
/// handler acts. docs/PROTOCOL.md §6 draws the same machine.
///
/// Each direction has its own state. A client stream starts with its HEADERS sent and waits for
/// the server's; a server stream starts with the client's HEADERS received. Messages larger
/// than one frame arrive as fragments flagged MORE and are reassembled here, with the message
/// size limit checked before each fragment is kept.
struct XRPCStreamStateMachine {
    enum Role: Sendable { case client, server }

    enum InboundState: Equatable {
        /// Client only: no response HEADERS yet. TRAILERS alone ("trailers-only") is allowed.
        case awaitingHeaders
        /// Messages may arrive; `partial` holds the fragments of an unfinished message.
        case receiving(partial: ByteBuffer?)
        /// A limit was broken; the rest of the peer's side is dropped unread.
        case discarding
        case closed
    }

    enum OutboundState: Equatable {
        /// Server only: response HEADERS not sent yet.
        case awaitingHeaders
        case sending
        case closed
    }

    enum InboundAction: Equatable {
        /// Client: the response HEADERS arrived.
        case deliverHeaders
        /// A whole message; `endOfStream` if the peer's side ended with it.
        case deliverMessage(ByteBuffer, endOfStream: Bool)
        /// A fragment was kept; more follow.
        case bufferFragment
        /// Server: the client ended its side without a message.
        case endOfStream
        /// Client: the server's TRAILERS arrived; the call is over.
        case deliverTrailers
        /// The message being received passed the size limit; `size` is what had arrived.
        case messageTooLarge(size: Int)
        /// The frame is dropped (the stream is discarding after a limit was broken).
        case ignore
        /// The frame breaks the stream's protocol: reset the stream with PROTOCOL_ERROR.
        case protocolError(String)
        /// The peer sent a frame after ending its side: reset the stream with STREAM_CLOSED.
        case streamClosed(String)
    }

    let role: Role
    /// The largest reassembled message this side accepts.
    let maxMessageSize: Int
    private(set) var inbound: InboundState
    private(set) var outbound: OutboundState

    init(role: Role, maxMessageSize: Int) {
        self.role = role
        self.maxMessageSize = maxMessageSize
        switch role {
        case .client:
            self.inbound = .awaitingHeaders
            self.outbound = .sending
        case .server:
            self.inbound = .receiving(partial: nil)
            self.outbound = .awaitingHeaders
        }
    }

    /// Nothing more can be sent or received.
    var isClosed: Bool { self.inbound == .closed && self.outbound == .closed }

    // MARK: - Receiving

    mutating func receiveHeaders() -> InboundAction {
        switch (self.role, self.inbound) {
        case (.client, .awaitingHeaders):
            self.inbound = .receiving(partial: nil)
            return .deliverHeaders
        case (.client, .discarding), (_, .closed):
            return .ignore
        default:
            return self.fail("HEADERS received twice on one stream")
        }
    }

    mutating func receiveMessage(flags: XRPCFrameFlags, payload: ByteBuffer) -> InboundAction {
        switch self.inbound {
        case .awaitingHeaders:
            return self.fail("MESSAGE received before the response HEADERS")
        case .discarding:
            if flags.contains(.endStream) { self.inbound = .closed }
            return .ignore
        case .closed:
            return self.afterEnd("MESSAGE")
        case .receiving(let partial):
            if flags.contains(.compressed) {
                return self.fail("COMPRESSED flag set, but XRPC/1.0 does not negotiate compression")
            }
            let more = flags.contains(.more)
            let end = flags.contains(.endStream)
            if more && end {
                return self.fail("MESSAGE frame has both MORE and END_STREAM")
            }
            if end && self.role == .client {
                return self.fail("server ended the stream with MESSAGE instead of TRAILERS")
            }
            let size = (partial?.readableBytes ?? 0) + payload.readableBytes
            guard size <= self.maxMessageSize else {
                self.inbound = end ? .closed : .discarding
                return .messageTooLarge(size: size)
            }
            let message: ByteBuffer
            if var partial {
                var fragment = payload
                partial.writeBuffer(&fragment)
                message = partial
            } else {
                message = payload
            }
            if more {
                self.inbound = .receiving(partial: message)
                return .bufferFragment
            }
            self.inbound = end ? .closed : .receiving(partial: nil)
            return .deliverMessage(message, endOfStream: end)
        }
    }

    mutating func receiveTrailers() -> InboundAction {
        switch self.inbound {
        case .awaitingHeaders:
            // Trailers-only: the server answered with a status and nothing else.
            self.inbound = .closed
            return .deliverTrailers
        case .receiving(let partial):
            if partial != nil {
                return self.fail("TRAILERS arrived in the middle of a fragmented message")
            }
            self.inbound = .closed
            return self.role == .client ? .deliverTrailers : .endOfStream
        case .discarding:
            self.inbound = .closed
            return .ignore
        case .closed:
            return self.afterEnd("TRAILERS")
        }
    }

    /// A frame after the peer ended its side: a stream error while the call is still running
    /// (the server has not answered yet). Once the stream is over both ways it may have been in
    /// flight, and is dropped. A client never sees the first case: it forgets a stream as soon as
    /// the server's TRAILERS arrive.
    private mutating func afterEnd(_ frame: String) -> InboundAction {
        guard self.role == .server, self.outbound != .closed else { return .ignore }
        self.reset()
        return .streamClosed("\(frame) after the client ended its side of the stream")
    }

    /// The peer reset the stream, or the stream was reset locally: it is over both ways.
    mutating func reset() {
        self.inbound = .closed
        self.outbound = .closed
    }

    private mutating func fail(_ reason: String) -> InboundAction {
        self.reset()
        return .protocolError(reason)
    }

    // MARK: - Sending

    enum SendCheck: Equatable {
        case send
        /// The stream's sending side is closed: drop the write. Not a protocol violation: a
        /// handler may write after its call was cancelled or timed out.
        case dropClosed
        /// The caller broke the call's order (a transport bug, not the peer's).
        case invalid(String)
    }

    mutating func sendHeaders() -> SendCheck {
        switch (self.role, self.outbound) {
        case (.server, .awaitingHeaders):
            self.outbound = .sending
            return .send
        case (_, .closed):
            return .dropClosed
        default:
            return .invalid("response metadata written twice")
        }
    }

    mutating func sendMessage() -> SendCheck {
        switch self.outbound {
        case .sending: return .send
        case .closed: return .dropClosed
        case .awaitingHeaders: return .invalid("a message was written before the response metadata")
        }
    }

    /// Server: TRAILERS ends the stream. Client: TRAILERS half-closes its side.
    mutating func sendTrailers() -> SendCheck {
        switch self.outbound {
        case .awaitingHeaders, .sending:
            self.outbound = .closed
            if self.role == .server {
                // The call is over: whatever the client still sends is dropped by the connection
                // as a frame for a closed stream.
                self.inbound = .closed
            }
            return .send
        case .closed:
            return .dropClosed
        }
    }
}
