/// The error codes carried by RST and GOAWAY frames. The values are HTTP/2's (RFC 9113 §7), and
/// so are their meanings. Unknown codes must be treated as `internalError`.
public struct XRPCErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The raw 32-bit code.
    public var rawValue: UInt32
    /// Wraps a raw code.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Graceful: no error.
    public static let noError = Self(rawValue: 0x0)
    /// The peer broke the protocol.
    public static let protocolError = Self(rawValue: 0x1)
    /// The sender hit an internal failure.
    public static let internalError = Self(rawValue: 0x2)
    /// The peer broke flow control.
    public static let flowControlError = Self(rawValue: 0x3)
    /// The peer did not acknowledge SETTINGS in time.
    public static let settingsTimeout = Self(rawValue: 0x4)
    /// A frame arrived for a stream that was already half-closed.
    public static let streamClosed = Self(rawValue: 0x5)
    /// A frame's length broke a limit.
    public static let frameSizeError = Self(rawValue: 0x6)
    /// The stream was not processed at all: safe to retry.
    public static let refusedStream = Self(rawValue: 0x7)
    /// The stream is no longer needed.
    public static let cancel = Self(rawValue: 0x8)
    /// The peer is generating excessive load.
    public static let enhanceYourCalm = Self(rawValue: 0xB)

    public var description: String {
        switch self {
        case .noError: "NO_ERROR"
        case .protocolError: "PROTOCOL_ERROR"
        case .internalError: "INTERNAL_ERROR"
        case .flowControlError: "FLOW_CONTROL_ERROR"
        case .settingsTimeout: "SETTINGS_TIMEOUT"
        case .streamClosed: "STREAM_CLOSED"
        case .frameSizeError: "FRAME_SIZE_ERROR"
        case .refusedStream: "REFUSED_STREAM"
        case .cancel: "CANCEL"
        case .enhanceYourCalm: "ENHANCE_YOUR_CALM"
        default: "0x\(String(self.rawValue, radix: 16))"
        }
    }
}

/// A connection-level failure: the connection is answered with GOAWAY carrying `code` and
/// `message`, then closed.
public struct XRPCConnectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The GOAWAY code sent to the peer.
    public var code: XRPCErrorCode
    /// What went wrong, sent as GOAWAY's debug text.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: the GOAWAY code.
    ///   - message: the debug text.
    public init(_ code: XRPCErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }
}
