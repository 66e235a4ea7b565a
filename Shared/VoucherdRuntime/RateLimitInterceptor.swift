public import VoucherdModel
public import GRPCCore

/// Limits calls per principal (``Principal/current``, so install it after
/// ``AuthenticationInterceptor``), per device (`x-device-id` metadata) and per client address
/// (`ServerContext.remotePeer`), each with its own ``RateLimit``.
///
/// A limited call fails with `resourceExhausted` whose metadata carries `retry-after-ms` and
/// `grpc-retry-pushback-ms`. Dimensions are checked client address first, then device, then
/// principal; a call limited on one dimension is not counted against the later ones.
public struct RateLimitInterceptor: ServerInterceptor {
    /// The limits for each dimension; nil leaves a dimension unlimited.
    public struct Configuration: Sendable, Hashable {
        /// The limit per authenticated principal.
        public var perPrincipal: RateLimit?
        /// The limit per `x-device-id`.
        public var perDevice: RateLimit?
        /// The limit per client address.
        public var perClientAddress: RateLimit?
        /// The most keys tracked per dimension.
        public var maximumKeysPerDimension: Int = 100_000
        /// Methods never limited, by bare or fully qualified name.
        public var exemptMethods: Set<String> = []

        /// Creates a configuration.
        /// - Parameters:
        ///   - perPrincipal: the limit per principal.
        ///   - perDevice: the limit per device.
        ///   - perClientAddress: the limit per client address.
        public init(perPrincipal: RateLimit? = nil, perDevice: RateLimit? = nil, perClientAddress: RateLimit? = nil) {
            self.perPrincipal = perPrincipal
            self.perDevice = perDevice
            self.perClientAddress = perClientAddress
        }
    }

    /// The metadata key naming the calling device.
    public static let deviceIDKey = "x-device-id"

    private let exemptMethods: Set<String>
    private let principalLimiter: RateLimiter?
    private let deviceLimiter: RateLimiter?
    private let addressLimiter: RateLimiter?

    /// Creates the interceptor.
    /// - Parameters:
    ///   - configuration: the limits.
    ///   - now: monotonic time in seconds, for tests; defaults to the continuous clock.
    public init(configuration: Configuration, now: (@Sendable () -> Double)? = nil) {
        let keys = configuration.maximumKeysPerDimension
        self.exemptMethods = configuration.exemptMethods
        self.principalLimiter = configuration.perPrincipal.map { RateLimiter(limit: $0, maximumKeys: keys, now: now) }
        self.deviceLimiter = configuration.perDevice.map { RateLimiter(limit: $0, maximumKeys: keys, now: now) }
        self.addressLimiter = configuration.perClientAddress.map {
            RateLimiter(limit: $0, maximumKeys: keys, now: now)
        }
    }

    /// Checks the call's limits, then runs `next`.
    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (
            _ request: StreamingServerRequest<Input>,
            _ context: ServerContext
        ) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        if !context.descriptor.matches(any: self.exemptMethods) {
            try self.check(metadata: request.metadata, remotePeer: context.remotePeer, principal: Principal.current)
        }
        return try await next(request, context)
    }

    /// Counts one call against each applicable limit.
    /// - Parameters:
    ///   - metadata: the request metadata (for `x-device-id`).
    ///   - remotePeer: the transport's peer description, such as `ipv4:127.0.0.1:5000`.
    ///   - principal: the authenticated principal, if any.
    /// - Throws: `RPCError` with code `.resourceExhausted` and retry hints when limited.
    public func check(metadata: Metadata, remotePeer: String, principal: Principal?) throws(RPCError) {
        if let limiter = self.addressLimiter {
            try Self.enforce(limiter, key: Self.clientAddress(fromPeer: remotePeer), dimension: "client address")
        }
        let device = metadata[stringValues: Self.deviceIDKey].first(where: { _ in true })
        if let limiter = self.deviceLimiter, let device, !device.isEmpty {
            try Self.enforce(limiter, key: String(device.prefix(128)), dimension: "device")
        }
        if let limiter = self.principalLimiter, let principal {
            try Self.enforce(limiter, key: "\(principal.role.rawValue):\(principal.subject)", dimension: "principal")
        }
    }

    private static func enforce(_ limiter: RateLimiter, key: String, dimension: String) throws(RPCError) {
        guard case .limited(let retryAfter) = limiter.check(key) else { return }
        let components = retryAfter.components
        let roundedUpMilliseconds = (components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        let milliseconds = max(1, components.seconds * 1000 + roundedUpMilliseconds)
        var metadata = Metadata()
        metadata.addString(String(milliseconds), forKey: "retry-after-ms")
        metadata.addString(String(milliseconds), forKey: "grpc-retry-pushback-ms")
        throw RPCError(
            code: .resourceExhausted,
            message: "Rate limit exceeded per \(dimension); retry after \(milliseconds) ms.",
            metadata: metadata
        )
    }

    /// The address part of a peer description: `ipv4:127.0.0.1:5000` becomes `ipv4:127.0.0.1`,
    /// `ipv6:[::1]:5000` becomes `ipv6:[::1]`; anything else is used whole.
    /// - Parameter peer: the transport's peer description.
    /// - Returns: the key to limit on.
    public static func clientAddress(fromPeer peer: String) -> String {
        if peer.hasPrefix("ipv6:["), let close = peer.lastIndex(of: "]") {
            return String(peer[...close])
        }
        if peer.hasPrefix("ipv4:"), let colon = peer.lastIndex(of: ":"),
            colon > peer.index(peer.startIndex, offsetBy: 4)
        {
            return String(peer[..<colon])
        }
        return peer
    }
}
