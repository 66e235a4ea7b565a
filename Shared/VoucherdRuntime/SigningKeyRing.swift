import VoucherdModel
import Crypto
import Foundation
import JWTKit
import Logging

/// The verification keys a verifier currently trusts, refreshed from a ``SigningKeySource``
/// when a token names an unknown `kid`, at most once per refresh interval. Concurrent callers
/// that need a refresh share one fetch.
actor SigningKeyRing {
    private let source: any SigningKeySource
    private let refreshInterval: TimeInterval
    private let now: @Sendable () -> Date
    private let logger: Logger

    private var collection = JWTKeyCollection()
    private var kids: Set<String> = []
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

    /// The key collection holding `kid`, refreshing the keys first if `kid` is unknown and the
    /// refresh interval allows it.
    func collection(for kid: String) async throws(AuthenticationError) -> JWTKeyCollection {
        if self.kids.contains(kid) { return self.collection }
        await self.refresh(force: false)
        guard self.kids.contains(kid) else {
            if self.lastFetchFailed, self.kids.isEmpty { throw .keySourceUnavailable }
            throw .unknownKeyID(String(kid.prefix(64)))
        }
        return self.collection
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
        let fresh = JWTKeyCollection()
        var freshKids: Set<String> = []
        for key in published {
            guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key.publicKey) else {
                self.logger.warning("Ignoring unusable signing key", metadata: ["kid": "\(key.kid)"])
                continue
            }
            await fresh.add(eddsa: EdDSA.PublicKey(backing: publicKey), kid: JWKIdentifier(string: key.kid))
            freshKids.insert(key.kid)
        }
        // A token naming an unknown kid must never fall back to a default key.
        await fresh.clearDefault()
        self.collection = fresh
        self.kids = freshKids
        self.lastFetchFailed = false
        self.logger.debug("Signing keys refreshed", metadata: ["kids": "\(freshKids.sorted())"])
    }
}
