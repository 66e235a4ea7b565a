public import NIOCore

/// One XRPC/1 frame: a 12-byte header and its payload.
///
/// The header is `length (u32) | type (u8) | flags (u8) | reserved (u16, zero) | stream id (u32)`,
/// all big-endian. docs/PROTOCOL.md §4 is the specification.
public struct XRPCFrame: Sendable, Hashable {
    /// Size of the fixed frame header in bytes.
    public static let headerSize = 12

    /// What the payload is.
    public var type: XRPCFrameType
    /// Flags; which ones are meaningful depends on `type`.
    public var flags: XRPCFrameFlags
    /// The stream this frame belongs to; 0 is the connection itself.
    public var streamID: UInt32
    /// The payload bytes.
    public var payload: ByteBuffer
    /// Set by the decoder on a HEADERS or TRAILERS frame whose payload exceeded the receiver's
    /// header-size limit: the payload was skipped unread and this holds its announced length.
    public var oversizedPayloadLength: Int?

    /// Creates a frame.
    /// - Parameters:
    ///   - type: the frame type.
    ///   - flags: the frame's flags.
    ///   - streamID: the stream, or 0 for the connection.
    ///   - payload: the payload bytes.
    public init(
        type: XRPCFrameType,
        flags: XRPCFrameFlags = [],
        streamID: UInt32,
        payload: ByteBuffer = ByteBuffer()
    ) {
        self.type = type
        self.flags = flags
        self.streamID = streamID
        self.payload = payload
        self.oversizedPayloadLength = nil
    }
}

/// The type byte of a frame. Unknown values are kept so that receivers can ignore them.
public struct XRPCFrameType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The raw type byte.
    public var rawValue: UInt8
    /// Wraps a raw type byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Connection settings (`xrpc.v1.Settings`), or their acknowledgement.
    public static let settings = Self(rawValue: 0)
    /// Opens a stream (client) or carries response metadata (server).
    public static let headers = Self(rawValue: 1)
    /// One serialized message, or one fragment of it.
    public static let message = Self(rawValue: 2)
    /// Ends the sender's side of a stream; from the server, carries the status.
    public static let trailers = Self(rawValue: 3)
    /// Cancels one stream.
    public static let rst = Self(rawValue: 4)
    /// Liveness check; answered with ACK and the same 8 bytes.
    public static let ping = Self(rawValue: 5)
    /// The sender will process no stream above the given id.
    public static let goaway = Self(rawValue: 6)
    /// Flow-control credit for streaming calls.
    public static let windowUpdate = Self(rawValue: 7)

    public var description: String {
        switch self {
        case .settings: "SETTINGS"
        case .headers: "HEADERS"
        case .message: "MESSAGE"
        case .trailers: "TRAILERS"
        case .rst: "RST"
        case .ping: "PING"
        case .goaway: "GOAWAY"
        case .windowUpdate: "WINDOW_UPDATE"
        default: "UNKNOWN(\(self.rawValue))"
        }
    }
}

/// The flags byte of a frame.
public struct XRPCFrameFlags: OptionSet, Sendable, Hashable {
    /// The raw flags byte.
    public var rawValue: UInt8
    /// Wraps a raw flags byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The last frame the sender sends on this stream.
    public static let endStream = Self(rawValue: 0x01)
    /// Acknowledges a SETTINGS or PING.
    public static let ack = Self(rawValue: 0x02)
    /// The message is compressed. Not negotiated by XRPC/1.0: receiving it is a stream error.
    public static let compressed = Self(rawValue: 0x04)
    /// This MESSAGE frame is a fragment and more fragments of the same message follow.
    public static let more = Self(rawValue: 0x08)
}

extension ByteBuffer {
    /// Appends `frame`, header and payload, in wire format.
    /// - Parameter frame: the frame to write.
    /// - Returns: the number of bytes written.
    @discardableResult
    public mutating func writeXRPCFrame(_ frame: XRPCFrame) -> Int {
        var written = self.writeXRPCFrameHeader(
            type: frame.type, flags: frame.flags, streamID: frame.streamID, payloadLength: frame.payload.readableBytes)
        written += self.writeImmutableBuffer(frame.payload)
        return written
    }

    /// Appends a frame header announcing `payloadLength` bytes of payload.
    @discardableResult
    mutating func writeXRPCFrameHeader(type: XRPCFrameType, flags: XRPCFrameFlags, streamID: UInt32, payloadLength: Int) -> Int {
        var written = self.writeInteger(UInt32(truncatingIfNeeded: payloadLength))
        written += self.writeInteger(type.rawValue)
        written += self.writeInteger(flags.rawValue)
        written += self.writeInteger(UInt16(0))
        written += self.writeInteger(streamID & 0x7FFF_FFFF)
        return written
    }
}
