public import GRPCCore
public import NIOCore
import NIOExtras
public import NIOPosix
import NIOSSL
import Synchronization

/// GRPCCore's `ServerTransport` over XRPC/1: TLS 1.3 with ALPN `xrpc/1`, mutual TLS by default,
/// and length-prefixed frames. Give it to a `GRPCServer` with the services to serve.
///
/// `beginGracefulShutdown()` stops accepting and drains every connection in two phases
/// (GOAWAY 2^31-1 and a PING, then GOAWAY with the last processed stream once the PING is
/// acknowledged; docs/PROTOCOL.md §10.2), lets the accepted calls finish, then closes; `listen`
/// returns once all of that is done.
public final class XRPCServerTransport: ServerTransport {
    public typealias Bytes = XRPCBytes

    private let host: String
    private let port: Int
    private let sslContext: NIOSSLContext
    private let config: Config
    private let eventLoopGroup: any EventLoopGroup
    private let quiescing: ServerQuiescingHelper
    private let address: Mutex<AddressState>

    private enum AddressState {
        case idle(EventLoopPromise<SocketAddress>)
        case bound(SocketAddress)
        case closed
    }

    /// Creates a transport that will listen on `host:port`. The TLS material is loaded here, once.
    /// - Parameters:
    ///   - host: the address to bind, for example "127.0.0.1" or "0.0.0.0".
    ///   - port: the port; 0 picks a free one (see `listeningAddress`).
    ///   - tls: the server's TLS configuration.
    ///   - config: protocol limits and timeouts.
    ///   - eventLoopGroup: the event loops to run connections on.
    /// - Throws: `XRPCConfigurationError` if the TLS material cannot be loaded.
    public init(
        host: String,
        port: Int,
        tls: XRPCServerTLS,
        config: Config = .defaults,
        eventLoopGroup: MultiThreadedEventLoopGroup = .singletonMultiThreadedEventLoopGroup
    ) throws {
        self.host = host
        self.port = port
        self.sslContext = try tls.makeContext()
        self.config = config
        self.eventLoopGroup = eventLoopGroup
        self.quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        self.address = Mutex(.idle(eventLoopGroup.any().makePromise()))
    }

    deinit {
        if case .idle(let promise) = self.address.withLock({ $0 }) {
            promise.fail(XRPCConfigurationError("server transport was never started"))
        }
    }

    /// The address the server is bound to; waits until `listen` has bound it.
    /// - Throws: if the server failed to bind or has stopped.
    public var listeningAddress: SocketAddress {
        get async throws {
            switch self.address.withLock({ $0 }) {
            case .idle(let promise): return try await promise.futureResult.get()
            case .bound(let address): return address
            case .closed: throw RPCError(code: .unavailable, message: "the server is not listening")
            }
        }
    }

    public func listen(
        streamHandler: @escaping @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void
    ) async throws {
        let sslContext = self.sslContext
        let settings = self.config.settings.normalized
        let handshakeTimeout = self.config.handshakeTimeout.timeAmount
        let policy = self.config.connection
        let quiescing = self.quiescing
        let onEventLoop = self.config.handlersOnEventLoop

        let server: NIOAsyncChannel<NIOAsyncChannel<XRPCAcceptedStream, Never>, Never>
        do {
            server = try await ServerBootstrap(group: self.eventLoopGroup)
                .serverChannelOption(.backlog, value: Int32(clamping: self.config.backlog))
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                    }
                }
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.writeBufferWaterMark, value: policy.writeBufferWaterMark)
                .bind(host: self.host, port: self.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        try sync.addHandler(NIOSSLServerHandler(context: sslContext))
                        try sync.addHandler(XRPCReadDeadlineHandler(timeout: policy.readTimeout.timeAmount, expectPreface: true))
                        try sync.addHandler(ByteToMessageHandler(XRPCFrameDecoder(
                            expectPreface: true,
                            maxFramePayload: settings.maxFramePayload,
                            maxHeaderSize: settings.maxHeaderSize
                        )))
                        try sync.addHandler(XRPCConnectionHandler(role: .server, settings: settings, handshakeTimeout: handshakeTimeout, policy: policy))
                        return try NIOAsyncChannel<XRPCAcceptedStream, Never>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            // One error for both who learn of it (`listen`'s caller and `listeningAddress`'s
            // waiters): whichever reports first, the operator reads which address was taken.
            let failure = RPCError(code: .unavailable, message: "cannot listen on \(self.host):\(self.port): \(error)")
            self.markClosed(error: failure)
            throw failure
        }

        if let local = server.channel.localAddress {
            let promise = self.address.withLock { state -> EventLoopPromise<SocketAddress>? in
                guard case .idle(let promise) = state else { return nil }
                state = .bound(local)
                return promise
            }
            promise?.succeed(local)
        }
        defer { self.markClosed(error: nil) }

        try await server.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in connections {
                    // The connection's calls are structured children of this task: they inherit
                    // the preference for its event loop.
                    let executor = onEventLoop ? XRPCEventLoopExecutor(connection.channel.eventLoop) : nil
                    group.addTask(executorPreference: executor) {
                        await Self.serve(connection: connection, streamHandler: streamHandler)
                    }
                }
            }
        }
    }

    public func beginGracefulShutdown() {
        self.quiescing.initiateShutdown(promise: nil)
    }

    private func markClosed(error: (any Error)?) {
        let promise = self.address.withLock { state -> EventLoopPromise<SocketAddress>? in
            defer { state = .closed }
            if case .idle(let promise) = state { return promise }
            return nil
        }
        promise?.fail(error ?? RPCError(code: .unavailable, message: "the server stopped before binding"))
    }

    private static func serve(
        connection: NIOAsyncChannel<XRPCAcceptedStream, Never>,
        streamHandler: @escaping @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void
    ) async {
        let remotePeer = connection.channel.remoteAddress.map(Self.describe) ?? "unknown"
        let localPeer = connection.channel.localAddress.map(Self.describe) ?? "unknown"
        try? await connection.executeThenClose { streams, _ in
            await withDiscardingTaskGroup { group in
                do {
                    for try await stream in streams {
                        group.addTask {
                            await XRPCServerCall.run(stream: stream, remotePeer: remotePeer, localPeer: localPeer, handler: streamHandler)
                        }
                    }
                } catch {
                    // The connection failed; its streams were failed by the handler already.
                }
            }
        }
    }

    /// "ipv4:127.0.0.1:50051", the form grpc-swift's own transports use.
    static func describe(_ address: SocketAddress) -> String {
        switch address {
        case .v4: "ipv4:\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        case .v6: "ipv6:[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
        case .unixDomainSocket: "unix:\(address.pathname ?? "?")"
        }
    }
}
