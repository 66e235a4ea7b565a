import Foundation
import Logging
import ServiceLifecycle
import VoucherdModel
import VoucherdRuntime

/// Marks the process ready once it can serve: the XRPC and admin listeners are bound, identity
/// answers with its signing keys (loaded into the verifier), and identity accepts issuance's API
/// key. Identity may start moments after issuance (a deploy brings them up together), so those
/// two are retried with backoff for ``peerWait`` before giving up with one clear line. Then it
/// announces the ports (a `ready` log line and `<data-dir>/ports.json`) and waits for graceful
/// shutdown, when it marks the process not ready before the servers drain.
struct StartupService: Service {
    /// How long identity may take to answer at start-up.
    static let peerWait: Duration = .seconds(30)
    /// The gRPC health name of the issuance service.
    static let serviceName = "voucherd.v1.Issuance"

    let xrpc: XRPCServerService
    let admin: AdminServer
    let verifier: AccessTokenVerifier
    let keySource: any SigningKeySource
    let token: ServiceToken
    let identity: String
    let readiness: Readiness
    let health: HealthService
    let portsFile: PortsFile
    let logger: Logger

    func run() async throws {
        let xrpcPort = try await self.xrpc.port
        let adminPort = try await self.admin.port
        let keys = try await self.retrying("cannot load the signing keys from identity at \(self.identity)") {
            try await self.keySource.currentKeys()
        }
        await self.verifier.refreshKeys()
        _ = try await self.retrying("identity at \(self.identity) refused issuance's API key (api-key-file)") {
            try await self.token.metadata()
        }
        try self.portsFile.write(xrpcPort: xrpcPort, adminPort: adminPort)
        self.health.setStatus(.serving)
        self.health.setStatus(.serving, forService: Self.serviceName)
        self.readiness.markReady()
        self.logger.notice(
            "ready",
            metadata: [
                "xrpc_port": "\(xrpcPort)", "admin_port": "\(adminPort)", "signing_keys": "\(keys.count)",
                "ports_file": "\(self.portsFile.url.path)",
            ]
        )
        try? await gracefulShutdown()
        self.readiness.markNotReady()
        self.health.setStatus(.notServing)
        self.health.setStatus(.notServing, forService: Self.serviceName)
        self.portsFile.remove()
        self.logger.notice("draining")
    }

    /// Runs `body` until it succeeds or ``peerWait`` has passed, backing off from 100 ms to 2 s.
    private func retrying<Result: Sendable>(_ failure: String, _ body: () async throws -> Result) async throws -> Result {
        let deadline = ContinuousClock.now + Self.peerWait
        var delay: Duration = .milliseconds(100)
        while true {
            do {
                return try await body()
            } catch {
                guard ContinuousClock.now + delay < deadline, !Task.isCancelled else {
                    throw StartupError("\(failure): \(error)")
                }
                self.logger.info("identity not reachable yet; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
