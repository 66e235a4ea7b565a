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
    public struct Config: Sendable {
        /// Limits announced to servers in SETTINGS and enforced on their responses. Default
        /// `XRPCSettings.defaults`.
        public var settings: XRPCSettings
        /// Time allowed for TCP connect, TLS and the SETTINGS exchange. Default 10 s.
        public var connectTimeout: Duration
        /// Per-method configuration (timeouts, retry and hedging policies) that GRPCCore
        /// applies to calls. Default: none.
        public var methodConfigs: [MethodConfig]

        /// Creates a configuration.
        /// - Parameters:
        ///   - settings: the limits announced to servers.
        ///   - connectTimeout: how long establishing a connection may take.
        ///   - methodConfigs: per-method GRPCCore configuration.
        public init(settings: XRPCSettings, connectTimeout: Duration, methodConfigs: [MethodConfig]) {
            self.settings = settings
            self.connectTimeout = connectTimeout
            self.methodConfigs = methodConfigs
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
