import VoucherdModel
import Crypto
import Foundation
import JWTKit
import Synchronization
import VoucherdRuntime

let testIssuer = "voucherd-identity"
let testAudience = "voucherd"

/// An Ed25519 signing key with a kid, signing tokens the way the identity service will.
struct TestSigner {
    let kid: String
    let privateKey = Curve25519.Signing.PrivateKey()

    var published: PublishedSigningKey {
        PublishedSigningKey(kid: self.kid, publicKey: self.privateKey.publicKey.rawRepresentation)
    }

    func sign(_ claims: AccessTokenClaims) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: self.privateKey), kid: JWKIdentifier(string: self.kid))
        return try await keys.sign(claims, kid: JWKIdentifier(string: self.kid))
    }

    func token(
        for principal: Principal = .sampleMerchantStaff,
        issuer: String = testIssuer,
        audience: String = testAudience,
        issuedAt: Date = Date(),
        lifetime: TimeInterval = 300
    ) async throws -> String {
        try await self.sign(
            AccessTokenClaims(
                principal: principal,
                issuer: issuer,
                audience: audience,
                issuedAt: issuedAt,
                expiresAt: issuedAt.addingTimeInterval(lifetime)
            )
        )
    }
}

extension Principal {
    static let sampleMerchantStaff = Principal(subject: "user-42", role: .merchantStaff, merchantID: "m-7", tier: "gold")
}

/// A key source whose published keys tests can change, counting fetches.
final class MutableKeySource: SigningKeySource {
    private let state: Mutex<(keys: [PublishedSigningKey], fetches: Int)>

    init(_ keys: [PublishedSigningKey]) {
        self.state = Mutex((keys, 0))
    }

    var fetches: Int { self.state.withLock { $0.fetches } }

    func publish(_ keys: [PublishedSigningKey]) {
        self.state.withLock { $0.keys = keys }
    }

    func currentKeys() async throws -> [PublishedSigningKey] {
        self.state.withLock { state in
            state.fetches += 1
            return state.keys
        }
    }
}

/// A wall clock tests move by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        self.current = Mutex(start)
    }

    func now() -> Date { self.current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        self.current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

func makeVerifier(
    source: any SigningKeySource,
    clock: ManualClock? = nil,
    refreshInterval: TimeInterval = 10,
    cacheCapacity: Int = 100_000
) -> AccessTokenVerifier {
    var configuration = AccessTokenVerifier.Configuration(issuer: testIssuer, audience: testAudience)
    configuration.keyRefreshInterval = refreshInterval
    configuration.cacheCapacity = cacheCapacity
    if let clock {
        return AccessTokenVerifier(configuration: configuration, keySource: source, now: { clock.now() })
    }
    return AccessTokenVerifier(configuration: configuration, keySource: source)
}
