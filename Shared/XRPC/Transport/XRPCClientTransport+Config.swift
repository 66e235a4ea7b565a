public import GRPCCore

/// A server address: host name or IP literal, and port.
public struct XRPCEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int

    /// Creates an endpoint.
    /// - Parameters:
    ///   - host: host name or IP address.
    ///   - port: TCP port.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(self.host):\(self.port)" }
}

extension XRPCClientTransport {
    /// Client transport settings. Every field has a default.
    ///
    /// | key | default | meaning |
    /// |---|---|---|
    /// | `settings` | `XRPCSettings.defaults` | limits announced to servers |
    /// | `connectTimeout` | 10 s | TCP connect + TLS + SETTINGS exchange |
    /// | `methodConfigs` | none | GRPCCore per-method timeouts, retry and hedging policies |
    /// | `backoff` | 1 s, ×1.6, ±20 %, max 120 s | how long an endpoint that failed to connect is skipped |
    /// | `maxConnectionsPerEndpoint` | 4 | connections opened to one endpoint when the open ones are at the server's stream limit |
    /// | `maxTransparentRetries` | 3 | re-sends of a call the server provably did not process |
    /// | `transparentRetryBufferLimit` | 1 MiB | request bytes kept for such a re-send; a call that sent more is not re-sent |
    /// | `retryThrottle` | none | GRPCCore's retry throttle, shared by every call on this transport |
    /// | `connection` | `XRPCConnectionPolicy.clientDefaults` | keepalive, PING policing, read deadline, write-buffer watermarks and stall timeout, rapid-reset limit, chunk size |
    public struct Config: Sendable {
        /// Limits announced to servers in SETTINGS and enforced on their responses. Default
        /// `XRPCSettings.defaults`.
        public var settings: XRPCSettings
        /// Time allowed for TCP connect, TLS and the SETTINGS exchange. Default 10 s.
        public var connectTimeout: Duration
        /// Per-method configuration (timeouts, retry and hedging policies) that GRPCCore
        /// applies to calls. Default: none.
        public var methodConfigs: [MethodConfig]
        /// How long an endpoint is skipped after failed connects. Default `XRPCBackoff.defaults`.
        public var backoff: XRPCBackoff
        /// The most connections to one endpoint. Another is opened only when every open one is
        /// at the server's `max_concurrent_streams`; beyond this many, calls wait for a free
        /// stream on the least busy one. At least 1. Default 4.
        public var maxConnectionsPerEndpoint: Int
        /// How many times one call may be re-sent because the server provably did not process
        /// it (REFUSED_STREAM, above a GOAWAY's last stream id, or not sent at all). 0 turns
        /// transparent retry off. Default 3.
        public var maxTransparentRetries: Int
        /// Request bytes a call keeps so it can be re-sent; a call whose request grows past this
        /// before the server answers is not retried transparently. Default 1 MiB.
        public var transparentRetryBufferLimit: Int
        /// GRPCCore's retry throttle (token bucket) for retry and hedging policies, shared by
        /// all calls on this transport. Default: none (no throttling).
        public var retryThrottle: RetryThrottle?
        /// Keepalive, PING policing, read deadline, write-buffer bounds and the other timers of
        /// each connection. Default `XRPCConnectionPolicy.clientDefaults`.
        public var connection: XRPCConnectionPolicy

        /// Creates a configuration.
        /// - Parameters:
        ///   - settings: the limits announced to servers.
        ///   - connectTimeout: how long establishing a connection may take.
        ///   - methodConfigs: per-method GRPCCore configuration.
        ///   - backoff: reconnect backoff per endpoint.
        ///   - maxConnectionsPerEndpoint: the connection pool's size per endpoint.
        ///   - maxTransparentRetries: re-sends of calls that were provably not processed.
        ///   - transparentRetryBufferLimit: request bytes kept for such re-sends.
        ///   - retryThrottle: GRPCCore's retry throttle.
        ///   - connection: per-connection liveness and buffering policy.
        public init(
            settings: XRPCSettings,
            connectTimeout: Duration,
            methodConfigs: [MethodConfig],
            backoff: XRPCBackoff = .defaults,
            maxConnectionsPerEndpoint: Int = 4,
            maxTransparentRetries: Int = 3,
            transparentRetryBufferLimit: Int = 1 << 20,
            retryThrottle: RetryThrottle? = nil,
            connection: XRPCConnectionPolicy = .clientDefaults
        ) {
            self.settings = settings
            self.connectTimeout = connectTimeout
            self.methodConfigs = methodConfigs
            self.backoff = backoff
            self.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint
            self.maxTransparentRetries = maxTransparentRetries
            self.transparentRetryBufferLimit = transparentRetryBufferLimit
            self.retryThrottle = retryThrottle
            self.connection = connection
        }

        /// The defaults.
        public static var defaults: Self {
            Self(settings: .defaults, connectTimeout: .seconds(10), methodConfigs: [])
        }

        /// The most specific configuration for `descriptor`: the method's own, else its
        /// service's, else the catch-all (a name with an empty service).
        func methodConfig(for descriptor: MethodDescriptor) -> MethodConfig? {
            var serviceWide: MethodConfig?
            var catchAll: MethodConfig?
            for config in self.methodConfigs {
                for name in config.names {
                    if name.service == descriptor.service.fullyQualifiedService {
                        if name.method == descriptor.method { return config }
                        if name.method.isEmpty { serviceWide = config }
                    } else if name.service.isEmpty {
                        catchAll = config
                    }
                }
            }
            return serviceWide ?? catchAll
        }
    }
}
