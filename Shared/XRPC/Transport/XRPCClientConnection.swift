import GRPCCore
import NIOCore
import NIOPosix
import NIOSSL

/// One established client connection: TLS done, SETTINGS exchanged.
final class XRPCClientConnection: Sendable {
    let channel: any Channel
    let handle: XRPCConnectionHandle
    let remotePeer: String
    let localPeer: String
    /// The server's `max_concurrent_streams`, from its SETTINGS.
    let maxConcurrentStreams: Int

    private init(channel: any Channel, handle: XRPCConnectionHandle, maxConcurrentStreams: Int) {
        self.channel = channel
        self.handle = handle
        self.maxConcurrentStreams = maxConcurrentStreams
        self.remotePeer = channel.remoteAddress.map(XRPCServerTransport.describe) ?? "unknown"
        self.localPeer = channel.localAddress.map(XRPCServerTransport.describe) ?? "unknown"
    }

    /// Connects, handshakes and waits for the server's SETTINGS.
    /// - Parameter onDraining: called on the event loop when the connection stops taking new
    ///   calls (GOAWAY either way, or closed), so the pool can replace it.
    static func connect(
        to endpoint: XRPCEndpoint,
        sslContext: NIOSSLContext,
        serverHostname: String?,
        config: XRPCClientTransport.Config,
        eventLoopGroup: any EventLoopGroup,
        onDraining: @escaping @Sendable () -> Void
    ) async throws -> XRPCClientConnection {
        let settings = config.settings.normalized
        let handshakeTimeout = config.connectTimeout.timeAmount
        let hostname = serverHostname ?? (endpoint.host.isIPAddress ? nil : endpoint.host)
        let policy = config.connection
        let channel = try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(config.connectTimeout.timeAmount)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: policy.writeBufferWaterMark)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: hostname))
                    try sync.addHandler(XRPCReadDeadlineHandler(timeout: policy.readTimeout.timeAmount, expectPreface: false))
                    try sync.addHandler(ByteToMessageHandler(XRPCFrameDecoder(
                        expectPreface: false,
                        maxFramePayload: settings.maxFramePayload,
                        maxHeaderSize: settings.maxHeaderSize
                    )))
                    let handler = XRPCConnectionHandler(role: .client, settings: settings, handshakeTimeout: handshakeTimeout, policy: policy)
                    handler.onDraining = onDraining
                    try sync.addHandler(handler)
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .get()

        channel.closeFuture.whenComplete { _ in onDraining() }
        let handle = try await channel.eventLoop.submit {
            XRPCConnectionHandle(
                handler: try channel.pipeline.syncOperations.handler(type: XRPCConnectionHandler.self),
                eventLoop: channel.eventLoop
            )
        }.get()
        let maxConcurrentStreams: Int
        do {
            try await handle.flatSubmit { handler in
                let promise = channel.eventLoop.makePromise(of: Void.self)
                handler.waitUntilReady(promise)
                return promise.futureResult
            }.get()
            maxConcurrentStreams = try await handle.flatSubmit { handler in
                channel.eventLoop.makeSucceededFuture(handler.peerSettings.maxConcurrentStreams)
            }.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        return XRPCClientConnection(channel: channel, handle: handle, maxConcurrentStreams: maxConcurrentStreams)
    }

    /// Opens a stream, waiting for a free slot if the server's concurrency limit is reached.
    func openStream(methodPath: String, inheritedDeadline: ContinuousClock.Instant?) async throws -> XRPCClientStream {
        let eventLoop = self.channel.eventLoop
        let stream = try await self.handle.flatSubmit { handler in
            handler.openClientStream(methodPath: methodPath, inheritedDeadline: inheritedDeadline, eventLoop: eventLoop)
        }.get()
        if Task.isCancelled {
            let error = RPCError(code: .cancelled, message: "the call was cancelled while waiting for a free stream")
            stream.release(error: error)
            throw error
        }
        return stream
    }

    /// Sends GOAWAY and closes once the calls in flight have finished.
    func drain() {
        self.handle.execute { $0.beginDraining(code: .noError, message: "client shutting down") }
    }
}

extension String {
    /// Whether this is a literal IPv4 or IPv6 address (which TLS SNI must not carry).
    var isIPAddress: Bool {
        (try? SocketAddress(ipAddress: self, port: 0)) != nil
    }
}
