import NIOCore
import SwiftProtobuf

/// The limits one side of a connection announces in its SETTINGS frame and enforces on what it
/// receives. Every value here is what the sender will *accept*; the peer must stay within it.
public struct XRPCSettings: Sendable, Hashable {
    /// Largest frame payload accepted, in bytes. Default 64 KiB; at least 16 KiB.
    public var maxFramePayload: Int
    /// Largest reassembled message accepted, in bytes. Default 4 MiB.
    public var maxMessageSize: Int
    /// Largest HEADERS or TRAILERS payload accepted, in bytes. Default 16 KiB; never above
    /// `maxFramePayload`, because header payloads are never fragmented.
    public var maxHeaderSize: Int
    /// Most streams the peer may have open towards this side at once. Default 100.
    public var maxConcurrentStreams: Int
    /// Initial per-stream flow-control window for streaming calls. Default 64 KiB. A Swift side
    /// with flow control on announces at least `maxMessageSize` (docs/PROTOCOL.md §10.8).
    public var initialWindowSize: Int
    /// SETTINGS `flow_control`: this side returns credit as its application consumes and holds
    /// the peer to its windows. Set by the connection from `XRPCConnectionPolicy.flowControl`;
    /// absent from a peer's SETTINGS means false.
    var flowControl = false

    /// The protocol defaults: what a field that is absent or zero in SETTINGS means.
    public static let defaults = XRPCSettings(
        maxFramePayload: 65_536,
        maxMessageSize: 4 * 1_024 * 1_024,
        maxHeaderSize: 16_384,
        maxConcurrentStreams: 100,
        initialWindowSize: 65_536
    )

    /// The smallest `maxFramePayload` a peer may announce.
    public static let minimumFramePayload = 16_384
    /// The smallest `maxHeaderSize` a peer may announce: room for a status and its message.
    public static let minimumHeaderSize = 1_024

    /// Creates settings.
    /// - Parameters:
    ///   - maxFramePayload: the largest frame payload accepted.
    ///   - maxMessageSize: the largest message accepted.
    ///   - maxHeaderSize: the largest HEADERS/TRAILERS payload accepted.
    ///   - maxConcurrentStreams: the most concurrent streams the peer may open.
    ///   - initialWindowSize: the initial per-stream window for streaming calls.
    public init(
        maxFramePayload: Int,
        maxMessageSize: Int,
        maxHeaderSize: Int,
        maxConcurrentStreams: Int,
        initialWindowSize: Int
    ) {
        self.maxFramePayload = maxFramePayload
        self.maxMessageSize = maxMessageSize
        self.maxHeaderSize = maxHeaderSize
        self.maxConcurrentStreams = maxConcurrentStreams
        self.initialWindowSize = initialWindowSize
    }

    /// Clamps every value into the range the protocol allows, so that a configuration mistake
    /// cannot produce settings the peer would reject.
    var normalized: XRPCSettings {
        var settings = self
        settings.maxFramePayload = min(max(settings.maxFramePayload, Self.minimumFramePayload), Int(UInt32.max >> 1))
        settings.maxMessageSize = min(max(settings.maxMessageSize, 1), Int(UInt32.max))
        settings.maxHeaderSize = min(max(settings.maxHeaderSize, Self.minimumHeaderSize), settings.maxFramePayload)
        settings.maxConcurrentStreams = min(max(settings.maxConcurrentStreams, 1), Int(UInt32.max))
        settings.initialWindowSize = min(max(settings.initialWindowSize, 1), Int(UInt32.max >> 1))
        return settings
    }

    /// The SETTINGS payload announcing these limits.
    func encoded() throws -> ByteBuffer {
        var message = Xrpc_V1_Settings()
        message.maxFramePayload = UInt32(self.maxFramePayload)
        message.maxMessageSize = UInt32(self.maxMessageSize)
        message.maxHeaderSize = UInt32(self.maxHeaderSize)
        message.maxConcurrentStreams = UInt32(self.maxConcurrentStreams)
        message.initialWindowSize = UInt32(self.initialWindowSize)
        message.flowControl = self.flowControl
        return ByteBuffer(bytes: try message.serializedBytes() as [UInt8])
    }

    /// Reads a peer's SETTINGS payload; absent or zero fields take the protocol defaults.
    /// - Throws: `XRPCConnectionError` if the payload is not a valid `xrpc.v1.Settings` or
    ///   announces a frame payload below the protocol minimum.
    static func decode(_ payload: ByteBuffer) throws -> XRPCSettings {
        let message: Xrpc_V1_Settings
        do {
            message = try Xrpc_V1_Settings(serializedBytes: Array(payload.readableBytesView))
        } catch {
            throw XRPCConnectionError(.protocolError, "SETTINGS payload is not a valid xrpc.v1.Settings")
        }
        func value(_ raw: UInt32, _ fallback: Int) -> Int { raw == 0 ? fallback : Int(raw) }
        let defaults = Self.defaults
        let settings = XRPCSettings(
            maxFramePayload: value(message.maxFramePayload, defaults.maxFramePayload),
            maxMessageSize: value(message.maxMessageSize, defaults.maxMessageSize),
            maxHeaderSize: value(message.maxHeaderSize, defaults.maxHeaderSize),
            maxConcurrentStreams: value(message.maxConcurrentStreams, defaults.maxConcurrentStreams),
            initialWindowSize: value(message.initialWindowSize, defaults.initialWindowSize)
        )
        guard settings.maxFramePayload >= Self.minimumFramePayload else {
            throw XRPCConnectionError(
                .protocolError,
                "SETTINGS max_frame_payload \(settings.maxFramePayload) is below the minimum \(Self.minimumFramePayload)"
            )
        }
        guard settings.maxHeaderSize >= Self.minimumHeaderSize else {
            throw XRPCConnectionError(
                .protocolError,
                "SETTINGS max_header_size \(settings.maxHeaderSize) is below the minimum \(Self.minimumHeaderSize)"
            )
        }
        // Header payloads are never fragmented, so a header limit above the frame limit could
        // never be used: reading it as the frame limit keeps us from sending a frame the peer
        // would refuse.
        var clamped = settings
        clamped.maxHeaderSize = min(settings.maxHeaderSize, settings.maxFramePayload)
        clamped.flowControl = message.flowControl
        if message.flowControl {
            // A window smaller than a whole message could never be refilled (a message is only
            // consumed once complete), so a peer enforcing windows promises at least this much.
            clamped.initialWindowSize = min(max(clamped.initialWindowSize, clamped.maxMessageSize), XRPCConnectionHandler.maxWindow)
        }
        return clamped
    }
}
