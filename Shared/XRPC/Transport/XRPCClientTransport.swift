public import GRPCCore
public import NIOPosix
import NIOCore
import NIOSSL
import Synchronization

/// GRPCCore's `ClientTransport` over XRPC/1. Give it to a `GRPCClient`.
///
/// Calls are multiplexed on one connection per endpoint, opened on first use. With several
/// endpoints, calls are spread round-robin, and an endpoint that cannot be reached is skipped.
/// A call made while handling an XRPC call inherits what is left of that call's deadline.
public final class XRPCClientTransport: ClientTransport {
    public typealias Bytes = XRPCBytes

    private enum Slot {
        case idle
        case connecting(Task<XRPCClientConnection, any Error>)
        case connected(XRPCClientConnection)
    }

    private struct State {
        var slots: [Slot]
        var nextEndpoint = 0
        var shuttingDown = false
        var shutdownWaiter: CheckedContinuation<Void, Never>?
    }

    private let endpoints: [XRPCEndpoint]
    private let sslContext: NIOSSLContext
    private let serverHostname: String?
    private let config: Config
    private let eventLoopGroup: any EventLoopGroup
    private let state: Mutex<State>

    public let retryThrottle: RetryThrottle? = nil

    /// Creates a transport; nothing connects until the first call. TLS material is loaded here.
    /// - Parameters:
    ///   - endpoints: the servers to spread calls over; at least one.
    ///   - tls: the client's TLS configuration.
    ///   - config: limits, timeouts and method configuration.
    ///   - eventLoopGroup: the event loops to run connections on.
    /// - Throws: `XRPCConfigurationError` for bad TLS material or an empty endpoint list.
    public init(
        endpoints: [XRPCEndpoint],
        tls: XRPCClientTLS,
        config: Config = .defaults,
        eventLoopGroup: MultiThreadedEventLoopGroup = .singletonMultiThreadedEventLoopGroup
    ) throws {
        guard !endpoints.isEmpty else { throw XRPCConfigurationError("endpoints: at least one server address is required") }
        self.endpoints = endpoints
        self.sslContext = try tls.makeContext()
        self.serverHostname = tls.serverHostname
        self.config = config
        self.eventLoopGroup = eventLoopGroup
        self.state = Mutex(State(slots: Array(repeating: .idle, count: endpoints.count)))
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
        let connections = self.state.withLock { state -> [XRPCClientConnection] in
            state.slots.compactMap { if case .connected(let connection) = $0 { connection } else { nil } }
        }
        for connection in connections { connection.drain() }
        for connection in connections { try? await connection.channel.closeFuture.get() }
    }

    public func beginGracefulShutdown() {
        let waiter = self.state.withLock { state in
            state.shuttingDown = true
            defer { state.shutdownWaiter = nil }
            return state.shutdownWaiter
        }
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
        let (connection, stream) = try await self.openStream(
            methodPath: XRPCMethodPath.path(for: descriptor),
            inheritedDeadline: XRPCDeadline.current
        )
        let rpcStream = RPCStream(
            descriptor: descriptor,
            inbound: RPCAsyncSequence(wrapping: stream.inbound),
            outbound: RPCWriter.Closable(wrapping: XRPCClientStreamWriter(stream: stream))
        )
        let context = ClientContext(descriptor: descriptor, remotePeer: connection.remotePeer, localPeer: connection.localPeer)
        do {
            let result = try await closure(rpcStream, context)
            stream.inbound.discard()
            stream.release(error: nil)
            return result
        } catch {
            stream.inbound.discard()
            stream.release(error: (error as? RPCError) ?? RPCError(code: .cancelled, message: "call ended: \(error)"))
            throw error
        }
    }

    /// Opens a stream on the next usable connection. A connection that stopped taking calls
    /// between being picked and being asked (GOAWAY, or closed) is skipped: nothing was sent on
    /// it, so trying the next one is safe.
    private func openStream(
        methodPath: String,
        inheritedDeadline: ContinuousClock.Instant?
    ) async throws -> (XRPCClientConnection, XRPCClientStream) {
        var lastError: (any Error)?
        for _ in 0...self.endpoints.count {
            let connection = try await self.pickConnection()
            do {
                return (connection, try await connection.openStream(methodPath: methodPath, inheritedDeadline: inheritedDeadline))
            } catch let error as RPCError where error.code == .unavailable {
                lastError = error
            }
        }
        throw lastError ?? RPCError(code: .unavailable, message: "no connection would take the call")
    }

    /// The next endpoint's connection, round-robin, connecting if needed and skipping endpoints
    /// that cannot be reached.
    private func pickConnection() async throws -> XRPCClientConnection {
        var lastError: (any Error)?
        for _ in 0..<self.endpoints.count {
            let index = try self.state.withLock { state -> Int in
                guard !state.shuttingDown else {
                    throw RPCError(code: .unavailable, message: "the client transport is shutting down")
                }
                defer { state.nextEndpoint = (state.nextEndpoint + 1) % self.endpoints.count }
                return state.nextEndpoint
            }
            do {
                return try await self.connection(at: index)
            } catch {
                lastError = error
            }
        }
        throw RPCError(
            code: .unavailable,
            message: "no XRPC endpoint reachable (\(self.endpoints.map(\.description).joined(separator: ", "))): \(lastError.map { "\($0)" } ?? "")"
        )
    }

    private func connection(at index: Int) async throws -> XRPCClientConnection {
        enum Pending {
            case ready(XRPCClientConnection)
            case connecting(Task<XRPCClientConnection, any Error>)
        }
        let pending = self.state.withLock { state -> Pending in
            switch state.slots[index] {
            case .connected(let connection):
                return .ready(connection)
            case .connecting(let task):
                return .connecting(task)
            case .idle:
                let endpoint = self.endpoints[index]
                // Callers racing for the same endpoint share this one attempt, and each awaits it.
                let task = Task { [sslContext, serverHostname, config, eventLoopGroup] in
                    try await XRPCClientConnection.connect(
                        to: endpoint,
                        sslContext: sslContext,
                        serverHostname: serverHostname,
                        config: config,
                        eventLoopGroup: eventLoopGroup,
                        onDraining: { [weak self] channelID in self?.forget(index: index, channelID: channelID) }
                    )
                }
                state.slots[index] = .connecting(task)
                return .connecting(task)
            }
        }
        switch pending {
        case .ready(let connection):
            return connection
        case .connecting(let task):
            do {
                let connection = try await task.value
                self.state.withLock { state in
                    if case .connecting = state.slots[index] {
                        state.slots[index] = connection.channel.isActive ? .connected(connection) : .idle
                    }
                }
                return connection
            } catch {
                self.state.withLock { state in
                    if case .connecting = state.slots[index] { state.slots[index] = .idle }
                }
                throw error
            }
        }
    }

    /// The connection at `index` stopped taking calls: the next call makes a new one.
    private func forget(index: Int, channelID: ObjectIdentifier) {
        self.state.withLock { state in
            if case .connected(let connection) = state.slots[index], ObjectIdentifier(connection.channel) == channelID {
                state.slots[index] = .idle
            }
        }
    }
}
