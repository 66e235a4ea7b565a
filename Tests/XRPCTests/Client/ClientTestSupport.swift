import GRPCCore
import NIOCore
import NIOPosix
import Synchronization
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

/// Client-behaviour test helpers: a client whose transport the test can inspect, a clock the
/// test moves by hand, and an endpoint where nothing listens.
enum ClientTest {
    /// Runs `body` with a Testing client and its transport.
    static func withClient<Result: Sendable>(
        endpoints: [XRPCEndpoint],
        pki: TestPKI,
        config: XRPCClientTransport.Config = .defaults,
        clock: ManualClock? = nil,
        _ body: (Voucherd_V1_Testing.Client<XRPCClientTransport>, XRPCClientTransport) async throws -> Result
    ) async throws -> Result {
        let now: @Sendable () -> ContinuousClock.Instant
        if let clock {
            now = { clock.now }
        } else {
            now = { .now }
        }
        let transport = try XRPCClientTransport(
            endpoints: endpoints,
            tls: pki.clientTLS(),
            config: config,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            clock: now
        )
        return try await withGRPCClient(transport: transport) { client in
            try await body(Voucherd_V1_Testing.Client(wrapping: client), transport)
        }
    }

    /// A loopback endpoint that refuses connections: a port that was bound, then released.
    static func deadEndpoint() async throws -> XRPCEndpoint {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return XRPCEndpoint(host: "127.0.0.1", port: port)
    }

    /// A configuration with the given backoff and pool size; other fields default.
    static func config(backoff: XRPCBackoff = .defaults, maxConnectionsPerEndpoint: Int = 4) -> XRPCClientTransport.Config {
        var config = XRPCClientTransport.Config.defaults
        config.backoff = backoff
        config.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint
        return config
    }
}

/// A clock that moves only when the test says, so backoff is tested without waiting.
final class ManualClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var now: ContinuousClock.Instant { self.instant.withLock { $0 } }

    func advance(by duration: Duration) {
        self.instant.withLock { $0 = $0.advanced(by: duration) }
    }
}
