public import VoucherdModel
import Crypto
public import Foundation
public import Logging
import JWTKit  // the claim types of AccessTokenClaims
import Synchronization

/// Verifies access tokens locally with the identity service's published Ed25519 keys.
///
/// Verified tokens are cached by the SHA-256 of the token string until they expire, so the hot
/// path is a hash and a dictionary lookup rather than an Ed25519 verification. A new token is
/// taken apart and checked without leaving the caller's thread (``CompactJWS``, and the key
/// ring's known keys), since on an event loop every hop is two thread switches. A token naming an
/// unknown `kid` makes the verifier refetch the keys (at most once per
/// ``Configuration/keyRefreshInterval``) and try again once.
public final class AccessTokenVerifier: Sendable {
    /// What the verifier accepts.
    public struct Configuration: Sendable, Hashable {
        /// The expected `iss` claim.
        public var issuer: String
        /// The audience this service accepts in `aud`.
        public var audience: String
        /// Clock skew tolerated on expiry, in seconds.
        public var leeway: TimeInterval = AccessTokenClaims.defaultLeeway
        /// The minimum time between key refetches triggered by unknown key ids, in seconds.
        public var keyRefreshInterval: TimeInterval = 10
        /// The most verified tokens remembered.
        public var cacheCapacity: Int = 100_000

        /// Creates a configuration with default leeway, refresh interval and cache capacity.
        /// - Parameters:
        ///   - issuer: the expected issuer.
        ///   - audience: the accepted audience.
        public init(issuer: String, audience: String) {
            self.issuer = issuer
            self.audience = audience
        }
    }

    /// Counters for observing the verifier.
    public struct Statistics: Sendable, Hashable {
        /// Verifications answered from the cache.
        public var cacheHits = 0
        /// Verifications that checked a signature.
        public var signatureVerifications = 0
    }

    private let configuration: Configuration
    private let now: @Sendable () -> Date
    private let keyRing: SigningKeyRing
    private let cache: Mutex<VerifiedTokenCache>
    private let counters = Mutex(Statistics())

    /// Creates a verifier. Keys are fetched on first use (or by ``refreshKeys()``).
    /// - Parameters:
    ///   - configuration: what to accept.
    ///   - keySource: where the public keys come from.
    ///   - logger: for key refresh events.
    ///   - now: the wall clock; injectable for tests.
    public init(
        configuration: Configuration,
        keySource: any SigningKeySource,
        logger: Logger = Logger(label: "voucherd.runtime.auth"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.now = now
        self.keyRing = SigningKeyRing(
            source: keySource,
            refreshInterval: configuration.keyRefreshInterval,
            now: now,
            logger: logger
        )
        self.cache = Mutex(VerifiedTokenCache(capacity: configuration.cacheCapacity))
    }

    /// The verifier's counters so far.
    public var statistics: Statistics {
        self.counters.withLock { $0 }
    }

    /// How many times the key source has been asked for keys.
    public var keyFetchCount: Int {
        get async { await self.keyRing.fetchCount }
    }

    /// How many verified tokens are cached.
    public var cachedTokenCount: Int {
        self.cache.withLock { $0.count }
    }

    /// Fetches the published keys now, regardless of the refresh interval.
    public func refreshKeys() async {
        await self.keyRing.refresh(force: true)
    }

    /// Verifies a compact JWS access token.
    /// - Parameter token: the token, without the `Bearer ` prefix.
    /// - Returns: the principal the token acts for.
    /// - Throws: ``AuthenticationError`` describing what was wrong.
    public func verify(_ token: String) async throws(AuthenticationError) -> Principal {
        var utf8 = token
        let digest = utf8.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        let lookupTime = self.now()
        if let principal = self.cache.withLock({ $0.lookup(digest, now: lookupTime) }) {
            self.counters.withLock { $0.cacheHits += 1 }
            return principal
        }

        let jws = try CompactJWS.parse(token)
        guard let alg = jws.header.alg else { throw .malformedToken }
        guard alg == "EdDSA" else { throw .unsupportedAlgorithm(String(alg.prefix(16))) }
        guard let kid = jws.header.kid, !kid.isEmpty else { throw .missingKeyID }
        guard jws.header.crit == nil else { throw .malformedToken }
        let key: Curve25519.Signing.PublicKey
        if let known = self.keyRing.knownKey(kid) {
            key = known
        } else {
            key = try await self.keyRing.key(for: kid)
        }

        self.counters.withLock { $0.signatureVerifications += 1 }
        guard key.isValidSignature(jws.signature, for: jws.signingInput) else { throw .invalidSignature }
        let claims: AccessTokenClaims
        do {
            let decoder = JSONDecoder()
            // NumericDate (RFC 7519 §2): seconds since the epoch, as identity's jwt-kit writes it.
            decoder.dateDecodingStrategy = .secondsSince1970
            claims = try decoder.decode(AccessTokenClaims.self, from: Data(jws.payload))
        } catch {
            throw .invalidClaims("undecodable payload")
        }

        let now = self.now()
        try claims.validate(
            issuer: self.configuration.issuer,
            audience: self.configuration.audience,
            now: now,
            leeway: self.configuration.leeway
        )
        let principal = try claims.principal()
        self.cache.withLock { $0.insert(digest, principal: principal, expiresAt: claims.exp.value, now: now) }
        return principal
    }
}
