import NIOCore

extension XRPCServerTransport {
    /// Server transport settings. Every field has a default; `Config.defaults` is what
    /// `voucherd` services run with unless configured otherwise.
    public struct Config: Sendable {
        /// Limits announced to clients in SETTINGS and enforced on what they send.
        /// Default `XRPCSettings.defaults`: 64 KiB frames, 4 MiB messages, 16 KiB headers,
        /// 100 concurrent streams per connection.
        public var settings: XRPCSettings
        /// Time a new connection has to complete TLS and send its preface and SETTINGS.
        /// Default 10 s.
        public var handshakeTimeout: Duration
        /// Pending-connection backlog for the listening socket. Default 256.
        public var backlog: Int
        /// Keepalive, PING policing, idle timeout, read deadline, write bounds and drain timing
        /// for each connection. Default `XRPCConnectionPolicy.serverDefaults`.
        public var connection: XRPCConnectionPolicy
        /// Whether a connection's calls run on the connection's event loop
        /// (``XRPCEventLoopExecutor``) rather than on Swift's global pool. Default true: it saves
        /// two thread crossings per call. Handlers must then not block, and should hop off for
        /// long computations (`withTaskExecutorPreference(globalConcurrentExecutor)`).
        public var handlersOnEventLoop: Bool = true

        /// Creates a configuration.
        /// - Parameters:
        ///   - settings: the limits announced to clients.
        ///   - handshakeTimeout: how long a connection may take to become ready.
        ///   - backlog: the listen backlog.
        ///   - connection: per-connection liveness and buffering policy.
        public init(
            settings: XRPCSettings,
            handshakeTimeout: Duration,
            backlog: Int,
            connection: XRPCConnectionPolicy = .serverDefaults
        ) {
            self.settings = settings
            self.handshakeTimeout = handshakeTimeout
            self.backlog = backlog
            self.connection = connection
        }

        /// The defaults.
        public static var defaults: Self {
            Self(settings: .defaults, handshakeTimeout: .seconds(10), backlog: 256)
        }
    }
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = self.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
