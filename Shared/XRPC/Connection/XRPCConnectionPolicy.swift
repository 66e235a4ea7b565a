import NIOCore

/// How one side keeps a connection alive, polices its peer and bounds what it buffers: the
/// connection-level timers and limits that are not announced in SETTINGS. docs/PROTOCOL.md §10
/// gives the wire behaviour of each.
///
/// Keys and defaults (server / client):
///
/// | key | server | client |
/// |---|---|---|
/// | `keepaliveInterval` | 120 s | 60 s |
/// | `keepaliveTimeout` | 20 s | 20 s |
/// | `minPeerPingInterval` | 10 s | 10 s |
/// | `maxPingStrikes` | 2 | 2 |
/// | `idleTimeout` | 300 s | nil (off: the pool decides) |
/// | `readTimeout` | 20 s | 20 s |
/// | `writeBufferHighWatermark` / `writeBufferLowWatermark` | 1 MiB / 256 KiB | same |
/// | `writeStallTimeout` | 30 s | 30 s |
/// | `drainTimeout` | 5 s | 5 s |
/// | `messageChunkSize` | 16 KiB | 16 KiB |
/// | `maxPeerResets` / `peerResetWindow` | 200 per 30 s | not policed (servers reset legitimately) |
/// | `flowControl` | true | true |
public struct XRPCConnectionPolicy: Sendable, Hashable {
    /// Send a keepalive PING when nothing has been received for this long; nil disables
    /// keepalive. Keep it above the peer's `minPeerPingInterval`.
    public var keepaliveInterval: Duration?
    /// Close the connection when a keepalive PING is not acknowledged within this time.
    public var keepaliveTimeout: Duration
    /// A peer PING arriving sooner than this after the previous one, with no HEADERS, MESSAGE or
    /// TRAILERS sent or received in between, is a strike.
    public var minPeerPingInterval: Duration
    /// More strikes than this is answered with GOAWAY ENHANCE_YOUR_CALM and a close.
    public var maxPingStrikes: Int
    /// Close (GOAWAY NO_ERROR, then close) a connection that has had no open stream for this
    /// long; nil disables it.
    public var idleTimeout: Duration?
    /// The longest time a frame (or the preface) may take to arrive once its first byte has
    /// arrived, while this side is reading. A peer that stalls mid-frame is disconnected.
    public var readTimeout: Duration
    /// Bytes queued in the channel's outbound buffer above which the connection stops taking
    /// response messages from producers (the channel becomes unwritable).
    public var writeBufferHighWatermark: Int
    /// Bytes below which producers may write again.
    public var writeBufferLowWatermark: Int
    /// Close a connection whose outbound buffer has stayed above the high watermark this long:
    /// the peer has stopped reading.
    public var writeStallTimeout: Duration
    /// Graceful drain: how long to wait for the PING that follows the first GOAWAY to be
    /// acknowledged before sending the final GOAWAY anyway.
    public var drainTimeout: Duration
    /// Outgoing messages larger than this are sent as several MESSAGE frames flagged MORE (never
    /// above the peer's `max_frame_payload`), so other streams' frames can go in between.
    public var messageChunkSize: Int
    /// Server: the most streams the client may reset (RST on a stream the server has opened a
    /// handler for) within `peerResetWindow`; one more is answered with GOAWAY
    /// ENHANCE_YOUR_CALM and a close (the HTTP/2 "rapid reset" attack). nil disables the limit.
    /// Ignored on the client side.
    public var maxPeerResets: Int?
    /// The window `maxPeerResets` counts in.
    public var peerResetWindow: Duration
    /// Announce SETTINGS `flow_control`: per-stream windows are then enforced whenever the peer
    /// announces it too (a slow reader of one stream holds back only that stream), and this side
    /// announces a window of at least its `max_message_size`. False keeps 1.0's advisory windows.
    public var flowControl: Bool

    /// Creates a policy; see the type's documentation for the defaults.
    /// - Parameters:
    ///   - keepaliveInterval: quiet time before a keepalive PING; nil disables keepalive.
    ///   - keepaliveTimeout: how long a keepalive PING may go unacknowledged.
    ///   - minPeerPingInterval: the shortest accepted gap between peer PINGs without data.
    ///   - maxPingStrikes: how many too-early PINGs are tolerated.
    ///   - idleTimeout: how long a connection may have no streams; nil disables it.
    ///   - readTimeout: how long a started frame may take to arrive completely.
    ///   - writeBufferHighWatermark: outbound bytes above which producers are paused.
    ///   - writeBufferLowWatermark: outbound bytes below which producers resume.
    ///   - writeStallTimeout: how long the outbound buffer may stay full before closing.
    ///   - drainTimeout: how long graceful drain waits for its PING's acknowledgement.
    ///   - messageChunkSize: the largest MESSAGE frame payload this side sends.
    ///   - maxPeerResets: server: streams the client may reset per `peerResetWindow`; nil: no limit.
    ///   - peerResetWindow: the window `maxPeerResets` counts in.
    ///   - flowControl: whether to enforce per-stream flow control with peers that agree.
    public init(
        keepaliveInterval: Duration?,
        keepaliveTimeout: Duration,
        minPeerPingInterval: Duration,
        maxPingStrikes: Int,
        idleTimeout: Duration?,
        readTimeout: Duration,
        writeBufferHighWatermark: Int,
        writeBufferLowWatermark: Int,
        writeStallTimeout: Duration,
        drainTimeout: Duration,
        messageChunkSize: Int = 16 * 1_024,
        maxPeerResets: Int? = 200,
        peerResetWindow: Duration = .seconds(30),
        flowControl: Bool = true
    ) {
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.minPeerPingInterval = minPeerPingInterval
        self.maxPingStrikes = maxPingStrikes
        self.idleTimeout = idleTimeout
        self.readTimeout = readTimeout
        self.writeBufferHighWatermark = writeBufferHighWatermark
        self.writeBufferLowWatermark = writeBufferLowWatermark
        self.writeStallTimeout = writeStallTimeout
        self.drainTimeout = drainTimeout
        self.messageChunkSize = max(1_024, messageChunkSize)
        self.maxPeerResets = maxPeerResets
        self.peerResetWindow = peerResetWindow
        self.flowControl = flowControl
    }

    /// What `XRPCServerTransport.Config.defaults` uses.
    public static let serverDefaults = XRPCConnectionPolicy(
        keepaliveInterval: .seconds(120),
        keepaliveTimeout: .seconds(20),
        minPeerPingInterval: .seconds(10),
        maxPingStrikes: 2,
        idleTimeout: .seconds(300),
        readTimeout: .seconds(20),
        writeBufferHighWatermark: 1_024 * 1_024,
        writeBufferLowWatermark: 256 * 1_024,
        writeStallTimeout: .seconds(30),
        drainTimeout: .seconds(5)
    )

    /// What a client connection uses unless its transport configures otherwise: keepalive more
    /// often than the server's, and no idle timeout (the client's pool decides when to close).
    public static let clientDefaults: XRPCConnectionPolicy = {
        var policy = XRPCConnectionPolicy.serverDefaults
        policy.keepaliveInterval = .seconds(60)
        policy.idleTimeout = nil
        return policy
    }()

    /// The channel option bounding the outbound buffer; both sides set it.
    var writeBufferWaterMark: ChannelOptions.Types.WriteBufferWaterMark {
        .init(
            low: max(1, min(self.writeBufferLowWatermark, self.writeBufferHighWatermark)),
            high: max(1, self.writeBufferHighWatermark)
        )
    }

    /// The defaults for one side of a connection.
    static func defaults(for role: XRPCStreamStateMachine.Role) -> XRPCConnectionPolicy {
        role == .server ? .serverDefaults : .clientDefaults
    }
}
