import VoucherdModel
import Crypto
import Foundation
import Logging
import Synchronization

/// The verification keys a verifier currently trusts, refreshed from a ``SigningKeySource``
/// when a token names an unknown `kid`, at most once per refresh interval. Concurrent callers
/// that need a refresh share one fetch.
///
/// Known keys are also readable without entering the actor (``knownKey(_:)``): a verification
/// runs on the caller's event loop, and hopping to the actor and back for every new token would
/// cost two thread switches. Only a token naming an unknown key waits for the actor.
actor SigningKeyRing {
    private let source: any SigningKeySource
    private let refreshInterval: TimeInterval
    private let now: @Sendable () -> Date
    private let logger: Logger

    private let keys = Mutex<[String: Curve25519.Signing.PublicKey]>([:])
    private var lastFetch: Date?
    private var lastFetchFailed = false
    private var inFlight: Task<Void, Never>?
    private(set) var fetchCount = 0

    init(
        source: any SigningKeySource,
        refreshInterval: TimeInterval,
        now: @escaping @Sendable () -> Date,
        logger: Logger
    ) {
        self.source = source
        self.refreshInterval = refreshInterval
        self.now = now
        self.logger = logger
    }

    /// The key named `kid` if it is among the current keys, without waiting for the actor.
    nonisolated func knownKey(_ kid: String) -> Curve25519.Signing.PublicKey? {
        self.keys.withLock { $0[kid] }
    }

    /// The key named `kid`, refreshing the keys first if `kid` is unknown and the refresh
    /// interval allows it.
    func key(for kid: String) async throws(AuthenticationError) -> Curve25519.Signing.PublicKey {
        if let key = self.knownKey(kid) { return key }
        await self.refresh(force: false)
        if let key = self.knownKey(kid) { return key }
        if self.lastFetchFailed, self.keys.withLock({ $0.isEmpty }) { throw .keySourceUnavailable }
        throw .unknownKeyID(String(kid.prefix(64)))
    }

    /// Fetches the keys now (or joins a fetch in flight); `force` ignores the refresh interval.
    func refresh(force: Bool) async {
        if let inFlight = self.inFlight {
            await inFlight.value
            return
        }
        let now = self.now()
        if !force, let lastFetch = self.lastFetch, now.timeIntervalSince(lastFetch) < self.refreshInterval {
            return
        }
        self.lastFetch = now
        let task = Task { await self.fetch() }
        self.inFlight = task
        await task.value
        self.inFlight = nil
    }

    private func fetch() async {
        self.fetchCount += 1
        let published: [PublishedSigningKey]
        do {
            published = try await self.source.currentKeys()
        } catch {
            self.lastFetchFailed = true
            self.logger.warning("Fetching signing keys failed", metadata: ["error": "\(error)"])
            return
        }
        // A token naming an unknown kid never falls back to another key: lookups are by kid only.
        var fresh: [String: Curve25519.Signing.PublicKey] = [:]
        for key in published {
            guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key.publicKey) else {
                self.logger.warning("Ignoring unusable signing key", metadata: ["kid": "\(key.kid)"])
                continue
            }
            fresh[key.kid] = publicKey
        }
        self.keys.withLock { $0 = fresh }
        self.lastFetchFailed = false
        self.logger.debug("Signing keys refreshed", metadata: ["kids": "\(fresh.keys.sorted())"])
    }
}
