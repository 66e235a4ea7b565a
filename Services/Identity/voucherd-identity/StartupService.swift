import Foundation
import IdentityService
import Logging
import ServiceLifecycle
import VoucherdModel
import VoucherdRuntime

/// Marks the process ready once it can serve: the XRPC and admin listeners are bound, the
/// signing keys are loaded into the verifier, and the bootstrap operator exists. Then it
/// announces the bound ports (a `ready` log line and `<data-dir>/ports.json`) and waits for
/// graceful shutdown, when it marks the process not ready again before the servers drain.
struct StartupService: Service {
    let xrpc: XRPCServerService
    let admin: AdminServer
    let service: IdentityService
    let verifier: AccessTokenVerifier
    let keySource: any SigningKeySource
    let bootstrap: IdentitySettings.BootstrapOperator?
    let readiness: Readiness
    let health: HealthService
    let portsFile: PortsFile
    let logger: Logger

    /// The gRPC health name of the identity service.
    static let serviceName = "voucherd.v1.Identity"

    func run() async throws {
        let xrpcPort = try await self.xrpc.port
        let adminPort = try await self.admin.port
        let keys: [PublishedSigningKey]
        do {
            keys = try await self.keySource.currentKeys()
        } catch {
            throw StartupError("cannot load the signing keys: \(error)")
        }
        await self.verifier.refreshKeys()
        if let bootstrap = self.bootstrap {
            let created: Bool
            do {
                created = try await self.service.bootstrapOperator(username: bootstrap.username, password: bootstrap.password)
            } catch {
                throw StartupError("cannot create the bootstrap operator \"\(bootstrap.username)\": \(error)")
            }
            self.logger.notice(
                created ? "bootstrap operator created" : "an operator already exists; bootstrap operator not created",
                metadata: ["username": "\(bootstrap.username)"]
            )
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
        // Stay in the group until shutdown, then stop taking traffic before the servers drain
        // (they stop after this service, being earlier in the group).
        try? await gracefulShutdown()
        self.readiness.markNotReady()
        self.health.setStatus(.notServing)
        self.health.setStatus(.notServing, forService: Self.serviceName)
        self.portsFile.remove()
        self.logger.notice("draining")
    }
}
