import IdentityService
import Logging
import VoucherdModel
import VoucherdRuntime

/// What identity checks before it is marked ready (``ServiceStartup`` runs this once the XRPC and
/// admin listeners are bound): the signing keys are loaded into the verifier, and the bootstrap
/// operator exists.
struct IdentityStartupChecks: Sendable {
    let service: IdentityService
    let verifier: AccessTokenVerifier
    let keySource: any SigningKeySource
    let bootstrap: IdentitySettings.BootstrapOperator?
    let logger: Logger

    /// Runs the checks.
    /// - Returns: what the `ready` line adds: `signing_keys`.
    /// - Throws: ``StartupError`` naming what failed.
    func run() async throws -> Logger.Metadata {
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
        return ["signing_keys": "\(keys.count)"]
    }
}
