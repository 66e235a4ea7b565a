import Foundation
public import Logging
public import ServiceLifecycle
import VoucherdModel

/// Marks the process ready once it can serve: the XRPC and admin listeners are bound and the
/// service's own checks have passed (signing keys loaded into the verifier, a bootstrap operator
/// created, a peer answering). Then it announces the bound ports (a `ready` log line and
/// `<data-dir>/ports.json`) and waits for graceful shutdown, when it marks the process not ready
/// again and removes the ports file before the servers drain (they stop after this service,
/// being earlier in the group; see ``ServiceListeners/makeGroup(writer:services:healthServiceName:checks:logger:)``).
///
/// Why shared: scripts and tests wait for the `ready` line and `ports.json`, load balancers for
/// `/readyz` and health, so every service must announce readiness, and withdraw it, in the same
/// order and format.
public struct ServiceStartup: Service {
    /// What must hold before the process is ready; returns what the `ready` line adds (such as
    /// `signing_keys`). A thrown error stops the process: a ``StartupError`` is printed as is.
    public typealias Checks = @Sendable () async throws -> Logger.Metadata

    private let listeners: ServiceListeners
    private let healthServiceName: String
    private let checks: Checks
    private let logger: Logger

    /// Creates the service.
    /// - Parameters:
    ///   - listeners: the servers to wait for, and the readiness, health and ports file to set.
    ///   - healthServiceName: the service's gRPC health name, such as `voucherd.v1.Identity`.
    ///   - checks: run once both servers are bound, before the process is marked ready.
    ///   - logger: the process logger.
    public init(listeners: ServiceListeners, healthServiceName: String, checks: @escaping Checks, logger: Logger) {
        self.listeners = listeners
        self.healthServiceName = healthServiceName
        self.checks = checks
        self.logger = logger
    }

    public func run() async throws {
        let listeners = self.listeners
        let xrpcPort = try await listeners.xrpc.port
        let adminPort = try await listeners.admin.port
        let announced = try await self.checks()
        try listeners.portsFile.write(xrpcPort: xrpcPort, adminPort: adminPort)
        listeners.health.setStatus(.serving)
        listeners.health.setStatus(.serving, forService: self.healthServiceName)
        listeners.readiness.markReady()
        let ports: Logger.Metadata = [
            "xrpc_port": "\(xrpcPort)", "admin_port": "\(adminPort)", "ports_file": "\(listeners.portsFile.url.path)",
        ]
        self.logger.notice("ready", metadata: ports.merging(announced) { port, _ in port })
        // Stay in the group until shutdown, then stop taking traffic before the servers drain.
        try? await gracefulShutdown()
        listeners.readiness.markNotReady()
        listeners.health.setStatus(.notServing)
        listeners.health.setStatus(.notServing, forService: self.healthServiceName)
        listeners.portsFile.remove()
        self.logger.notice("draining")
    }
}
