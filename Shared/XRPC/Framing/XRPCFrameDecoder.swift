public import NIOCore

/// Splits the inbound byte stream into frames, enforcing the receiver's limits before any payload
/// is buffered.
///
/// A server-side decoder first expects the 8-byte client preface. A frame whose length field is
/// above `maxFramePayload` is a connection error (FRAME_SIZE_ERROR), raised as soon as its header
/// has arrived. A HEADERS or TRAILERS frame above `maxHeaderSize` is not buffered: the decoder
/// emits it with an empty payload and `oversizedPayloadLength` set, then skips its bytes as they
/// arrive, so the stream can be refused while the connection carries on.
public struct XRPCFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = XRPCFrame

    private enum State {
        case awaitingPreface
        case awaitingFrameHeader
        case skipping(remaining: Int)
    }

    private var state: State
    /// The largest frame payload accepted.
    public var maxFramePayload: Int
    /// The largest HEADERS or TRAILERS payload accepted.
    public var maxHeaderSize: Int

    /// Creates a decoder.
    /// - Parameters:
    ///   - expectPreface: whether the stream starts with the client preface (server side).
    ///   - maxFramePayload: the frame payload limit this side announced.
    ///   - maxHeaderSize: the header payload limit this side announced.
    public init(expectPreface: Bool, maxFramePayload: Int, maxHeaderSize: Int) {
        self.state = expectPreface ? .awaitingPreface : .awaitingFrameHeader
        self.maxFramePayload = maxFramePayload
        self.maxHeaderSize = maxHeaderSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try self.decode(buffer: &buffer) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try self.decode(context: context, buffer: &buffer)
    }

    /// Decodes at most one frame from `buffer`; the channel-free core, used by the fuzzer.
    /// - Parameter buffer: bytes received so far; consumed bytes are read from it.
    /// - Returns: the next frame, or `nil` if more bytes are needed (or were skipped).
    /// - Throws: `XRPCConnectionError` for a bad preface or an oversized frame.
    public mutating func decode(buffer: inout ByteBuffer) throws -> XRPCFrame? {
        switch self.state {
        case .awaitingPreface:
            let available = min(buffer.readableBytes, XRPCPreface.bytes.count)
            // Compare what has arrived so far, so that a peer speaking another protocol is told
            // at once rather than after it happens to send eight bytes.
            guard let received = buffer.getBytes(at: buffer.readerIndex, length: available) else { return nil }
            guard received.elementsEqual(XRPCPreface.bytes.prefix(available)) else {
                throw XRPCConnectionError(.protocolError, "bad preface: expected 58 52 50 43 0d 0a 01 00 (\"XRPC\\r\\n\" 1.0)")
            }
            guard available == XRPCPreface.bytes.count else { return nil }
            buffer.moveReaderIndex(forwardBy: available)
            self.state = .awaitingFrameHeader
            return try self.decode(buffer: &buffer)

        case .skipping(let remaining):
            let skipped = min(remaining, buffer.readableBytes)
            buffer.moveReaderIndex(forwardBy: skipped)
            guard skipped == remaining else {
                self.state = .skipping(remaining: remaining - skipped)
                return nil
            }
            // The next frame may already be buffered behind the skipped bytes.
            self.state = .awaitingFrameHeader
            return try self.decode(buffer: &buffer)

        case .awaitingFrameHeader:
            guard buffer.readableBytes >= XRPCFrame.headerSize,
                let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
                let rawType = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self),
                let rawFlags = buffer.getInteger(at: buffer.readerIndex + 5, as: UInt8.self),
                let rawStreamID = buffer.getInteger(at: buffer.readerIndex + 8, as: UInt32.self)
            else { return nil }

            let payloadLength = Int(length)
            guard payloadLength <= self.maxFramePayload else {
                throw XRPCConnectionError(
                    .frameSizeError,
                    "frame payload of \(payloadLength) bytes exceeds the limit of \(self.maxFramePayload)"
                )
            }
            let type = XRPCFrameType(rawValue: rawType)
            // The top bit of the stream id is reserved: ignored on receipt, as in HTTP/2.
            var frame = XRPCFrame(type: type, flags: XRPCFrameFlags(rawValue: rawFlags), streamID: rawStreamID & 0x7FFF_FFFF)

            if (type == .headers || type == .trailers) && payloadLength > self.maxHeaderSize {
                buffer.moveReaderIndex(forwardBy: XRPCFrame.headerSize)
                frame.oversizedPayloadLength = payloadLength
                self.state = payloadLength > 0 ? .skipping(remaining: payloadLength) : .awaitingFrameHeader
                return frame
            }

            guard buffer.readableBytes >= XRPCFrame.headerSize + payloadLength else { return nil }
            buffer.moveReaderIndex(forwardBy: XRPCFrame.headerSize)
            frame.payload = buffer.readSlice(length: payloadLength) ?? ByteBuffer()
            return frame
        }
    }
}
