import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus
public import ServiceLifecycle
import Synchronization

/// The admin HTTP/1.1 endpoint: `GET /metrics` (Prometheus text from a registry), `GET /healthz`
/// (200 while the process runs), `GET /readyz` (200 once ``Readiness`` is set, else 503).
///
/// As a ServiceLifecycle `Service`, ``run()`` binds and serves until graceful shutdown, then
/// closes the listener and every connection. Use ``port`` to learn the port when bound to 0.
public final class AdminServer: Service, Sendable {
    private let host: String
    private let requestedPort: Int
    private let routes: AdminRoutes
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let bound: Mutex<BindState>

    private enum BindState {
        case idle(EventLoopPromise<Int>)
        case bound(Int)
        case failed(any Error)
    }

    /// Creates the server; nothing is bound until ``run()``.
    /// - Parameters:
    ///   - host: the address to bind.
    ///   - port: the port; 0 picks a free one.
    ///   - registry: the metrics served at `/metrics`.
    ///   - readiness: the flag behind `/readyz`.
    public init(host: String, port: Int, registry: PrometheusCollectorRegistry, readiness: Readiness) {
        self.host = host
        self.requestedPort = port
        self.routes = AdminRoutes(registry: registry, readiness: readiness)
        self.eventLoopGroup = .singletonMultiThreadedEventLoopGroup
        self.logger = Logger(label: "voucherd.admin")
        self.bound = Mutex(.idle(self.eventLoopGroup.any().makePromise()))
    }

    deinit {
        if case .idle(let promise) = self.bound.withLock({ $0 }) {
            promise.fail(ChannelError.ioOnClosedChannel)
        }
    }

    /// The bound port; waits until ``run()`` has bound it.
    /// - Throws: if binding failed.
    public var port: Int {
        get async throws {
            switch self.bound.withLock({ $0 }) {
            case .idle(let promise): return try await promise.futureResult.get()
            case .bound(let port): return port
            case .failed(let error): throw error
            }
        }
    }

    /// Binds and serves until graceful shutdown (or cancellation).
    /// - Throws: if the address cannot be bound.
    public func run() async throws {
        let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            server = try await ServerBootstrap(group: self.eventLoopGroup)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: self.host, port: self.requestedPort) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
        } catch {
            self.resolve(.failure(error))
            throw error
        }
        let port = server.channel.localAddress?.port ?? self.requestedPort
        self.resolve(.success(port))
        self.logger.info("admin server listening", metadata: ["host": "\(self.host)", "port": "\(port)"])
        let routes = self.routes
        let logger = self.logger
        try await cancelWhenGracefulShutdown {
            do {
                try await server.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in inbound {
                            group.addTask { await Self.serve(connection, routes: routes, logger: logger) }
                        }
                    }
                }
            } catch is CancellationError {
                // Graceful shutdown: the listener and connections are closed.
            }
        }
    }

    /// Completes the ``port`` promise once: with the port, or with the bind error.
    private func resolve(_ result: Result<Int, any Error>) {
        let promise: EventLoopPromise<Int>? = self.bound.withLock { state in
            guard case .idle(let promise) = state else { return nil }
            switch result {
            case .success(let port): state = .bound(port)
            case .failure(let error): state = .failed(error)
            }
            return promise
        }
        promise?.completeWith(result)
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        routes: AdminRoutes,
        logger: Logger
    ) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                    case .body:
                        continue
                    case .end:
                        guard let request = head else { continue }
                        head = nil
                        let response = routes.respond(method: request.method.rawValue, path: request.uri)
                        try await Self.write(response, for: request, to: outbound)
                        if !request.isKeepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("admin connection ended", metadata: ["error": "\(error)"])
        }
    }

    private static func write(
        _ response: AdminResponse,
        for request: HTTPRequestHead,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(
            version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers
        )
        try await outbound.write(.head(head))
        if request.method != .HEAD {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        try await outbound.write(.end(nil))
    }
}
