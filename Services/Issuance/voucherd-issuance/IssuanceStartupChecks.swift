import Logging
import VoucherdModel
import VoucherdRuntime

/// What issuance checks before it is marked ready (``ServiceStartup`` runs this once the XRPC
/// and admin listeners are bound): identity answers with its signing keys (loaded into the
/// verifier), and identity accepts issuance's API key. Identity may start moments after issuance
/// (a deploy brings them up together), so both are retried with backoff for ``peerWait`` before
/// giving up with one clear line.
struct IssuanceStartupChecks: Sendable {
    /// How long identity may take to answer at start-up.
    static let peerWait: Duration = .seconds(30)

    let verifier: AccessTokenVerifier
    let keySource: any SigningKeySource
    let token: ServiceToken
    /// Identity's address, for the messages.
    let identity: String
    let logger: Logger

    /// Runs the checks.
    /// - Returns: what the `ready` line adds: `signing_keys`.
    /// - Throws: ``StartupError`` naming what identity did not answer or refused.
    func run() async throws -> Logger.Metadata {
        let keys = try await self.retrying("cannot load the signing keys from identity at \(self.identity)") {
            try await self.keySource.currentKeys()
        }
        await self.verifier.refreshKeys()
        _ = try await self.retrying("identity at \(self.identity) refused issuance's API key (api-key-file)") {
            try await self.token.metadata()
        }
        return ["signing_keys": "\(keys.count)"]
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
