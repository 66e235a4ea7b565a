public import GRPCCore
public import NIOPosix
import NIOCore
import NIOSSL
import Synchronization

/// GRPCCore's `ClientTransport` over XRPC/1. Give it to a `GRPCClient`.
///
/// Calls are spread round-robin over the endpoints and multiplexed on connections opened on
/// demand: one per endpoint, more when a server's concurrent-stream limit is reached (up to
/// `Config.maxConnectionsPerEndpoint`). An endpoint that fails to connect is skipped until its
/// backoff (`Config.backoff`) has elapsed. A call the server provably did not process is re-sent
/// transparently (`Config.maxTransparentRetries`); GRPCCore's retry and hedging policies apply
/// on top. A call made while handling an XRPC call inherits what is left of that call's
/// deadline. PROTOCOL.md "Client behaviour" states the rules.
public final class XRPCClientTransport: ClientTransport {
    public typealias Bytes = XRPCBytes

    private struct State {
        var shuttingDown = false
        var shutdownWaiter: CheckedContinuation<Void, Never>?
    }

    private let config: Config
    private let state: Mutex<State>
    let pool: XRPCClientConnectionPool

    /// GRPCCore's retry throttle for retry and hedging policies: `Config.retryThrottle`.
    public var retryThrottle: RetryThrottle? { self.config.retryThrottle }

    /// Creates a transport; nothing connects until the first call. TLS material is loaded here.
    /// - Parameters:
    ///   - endpoints: the servers to spread calls over; at least one.
    ///   - tls: the client's TLS configuration.
    ///   - config: limits, timeouts, backoff, pooling, retries and method configuration.
    ///   - eventLoopGroup: the event loops to run connections on.
    /// - Throws: `XRPCConfigurationError` for bad TLS material or an empty endpoint list.
    public convenience init(
        endpoints: [XRPCEndpoint],
        tls: XRPCClientTLS,
        config: Config = .defaults,
        eventLoopGroup: MultiThreadedEventLoopGroup = .singletonMultiThreadedEventLoopGroup
    ) throws {
        try self.init(endpoints: endpoints, tls: tls, config: config, eventLoopGroup: eventLoopGroup, clock: { .now })
    }

    /// As the public initializer, with the clock that backoff is measured on (tests pass a
    /// manual one).
    init(
        endpoints: [XRPCEndpoint],
        tls: XRPCClientTLS,
        config: Config,
        eventLoopGroup: any EventLoopGroup,
        clock: @escaping @Sendable () -> ContinuousClock.Instant
    ) throws {
        guard !endpoints.isEmpty else { throw XRPCConfigurationError("endpoints: at least one server address is required") }
        let sslContext = try tls.makeContext()
        let serverHostname = tls.serverHostname
        self.config = config
        self.state = Mutex(State())
        self.pool = XRPCClientConnectionPool(
            endpoints: endpoints,
            maxConnectionsPerEndpoint: config.maxConnectionsPerEndpoint,
            backoff: config.backoff,
            now: clock
        ) { endpoint, onDraining in
            try await XRPCClientConnection.connect(
                to: endpoint,
                sslContext: sslContext,
                serverHostname: serverHostname,
                config: config,
                eventLoopGroup: eventLoopGroup,
                onDraining: onDraining
            )
        }
    }

    /// Runs until `beginGracefulShutdown()`, then lets calls in flight finish and closes every
    /// connection. Connections themselves are made on demand.
    public func connect() async throws {
        // GRPCClient cancels this task when its owner goes away without shutting down (a body
        // that threw, for example): treat that as a shutdown, or the client would never stop.
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = self.state.withLock { state -> Bool in
                    if state.shuttingDown { return true }
                    state.shutdownWaiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.beginGracefulShutdown()
        }
        let connections = self.pool.shutDown()
        for connection in connections { connection.drain() }
        for connection in connections { try? await connection.channel.closeFuture.get() }
    }

    public func beginGracefulShutdown() {
        let waiter = self.state.withLock { state in
            state.shuttingDown = true
            defer { state.shutdownWaiter = nil }
            return state.shutdownWaiter
        }
        // New calls fail at once, even before connect() has woken up.
        _ = self.pool.shutDown()
        waiter?.resume()
    }

    public func config(forMethod descriptor: MethodDescriptor) -> MethodConfig? {
        self.config.methodConfig(for: descriptor)
    }

    public func withStream<T: Sendable>(
        descriptor: MethodDescriptor,
        options: CallOptions,
        _ closure: (RPCStream<Inbound, Outbound>, ClientContext) async throws -> T
    ) async throws -> T {
        let methodPath = XRPCMethodPath.path(for: descriptor)
        let inheritedDeadline = XRPCDeadline.current
        let pool = self.pool
        let open: @Sendable () async throws -> XRPCClientCall.Attempt = {
            try await Self.openAttempt(pool: pool, methodPath: methodPath, inheritedDeadline: inheritedDeadline)
        }
        let first: XRPCClientCall.Attempt
        do {
            first = try await open()
        } catch let error as RPCError where error.code == .unavailable {
            // GRPCCore's retry and hedging policies only see errors carried by the response, not
            // errors thrown here: report "no connection" as the call's response, so a policy
            // that retries UNAVAILABLE retries it.
            return try await Self.failedCall(descriptor: descriptor, error: error, closure)
        }
        let call = XRPCClientCall(
            first: first,
            pool: pool,
            maxRetries: max(0, self.config.maxTransparentRetries),
            replayLimit: self.config.transparentRetryBufferLimit,
            reopen: open
        )
        let rpcStream = RPCStream(
            descriptor: descriptor,
            inbound: RPCAsyncSequence(wrapping: XRPCClientCall.Inbound(call: call)),
            outbound: RPCWriter.Closable(wrapping: XRPCClientCall.Writer(call: call))
        )
        let context = ClientContext(descriptor: descriptor, remotePeer: call.connection.remotePeer, localPeer: call.connection.localPeer)
        do {
            let result = try await closure(rpcStream, context)
            call.finish(error: nil)
            return result
        } catch {
            call.finish(error: (error as? RPCError) ?? RPCError(code: .cancelled, message: "call ended: \(error)"))
            throw error
        }
    }

    /// Runs `closure` on a call that was never sent: its request is dropped and its response
    /// is `error`.
    private static func failedCall<T: Sendable>(
        descriptor: MethodDescriptor,
        error: RPCError,
        _ closure: (RPCStream<Inbound, Outbound>, ClientContext) async throws -> T
    ) async throws -> T {
        let stream = RPCStream(
            descriptor: descriptor,
            inbound: RPCAsyncSequence(wrapping: AsyncThrowingStream<RPCResponsePart<XRPCBytes>, any Error> { $0.finish(throwing: error) }),
            outbound: RPCWriter.Closable(wrapping: XRPCDiscardingWriter())
        )
        return try await closure(stream, ClientContext(descriptor: descriptor, remotePeer: "unknown", localPeer: "unknown"))
    }

    /// Opens a stream on a connection from the pool. A connection that stopped taking calls
    /// between being picked and being asked (GOAWAY, or closed) is skipped: nothing was sent on
    /// it, so asking the pool again is safe.
    private static func openAttempt(
        pool: XRPCClientConnectionPool,
        methodPath: String,
        inheritedDeadline: ContinuousClock.Instant?
    ) async throws -> XRPCClientCall.Attempt {
        var lastError: (any Error)?
        // Bounded: each failure here means a connection drained, which the pool then forgets.
        for _ in 0..<8 {
            let lease = try await pool.lease()
            do {
                let stream = try await lease.connection.openStream(methodPath: methodPath, inheritedDeadline: inheritedDeadline)
                return XRPCClientCall.Attempt(lease: lease, stream: stream)
            } catch let error as RPCError where error.code == .unavailable {
                pool.release(lease)
                lastError = error
            } catch {
                pool.release(lease)
                throw error
            }
        }
        throw lastError ?? RPCError(code: .unavailable, message: "no connection would take the call", cause: XRPCNotProcessed())
    }
}

/// The request side of a call that was never sent: writes go nowhere.
private struct XRPCDiscardingWriter: ClosableRPCWriterProtocol {
    typealias Element = RPCRequestPart<XRPCBytes>
    func write(_ element: Element) async throws {}
    func write(contentsOf elements: some Sequence<Element>) async throws {}
    func finish() async {}
    func finish(throwing error: any Error) async {}
}
