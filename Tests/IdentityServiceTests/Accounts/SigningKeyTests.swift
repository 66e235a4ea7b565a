import Crypto
import Foundation
import GRDB
import GRPCCore
@testable import IdentityService
import JWTKit
import Testing
import VoucherdModel
import VoucherdStore
import VoucherdRuntime

@Suite struct SigningKeyTests {
    private func keys(_ service: IdentityService) async throws -> [Voucherd_V1_SigningKey] {
        try await acting(as: nil) { try await service.getSigningKeys(request: .init(), context: context()) }.keys
    }

    private func operatorToken(_ service: IdentityService) async throws -> Voucherd_V1_TokenPair {
        _ = try await service.bootstrapOperator(username: "root", password: strongPassword)
        return try await service.login(request: loginRequest("root"), context: context())
    }

    @Test func firstKeyIsCreatedOnDemandAndPublished() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            let published = try await keys(service)
            #expect(published.count == 1)
            #expect(published[0].algorithm == "EdDSA")
            #expect(published[0].curve == "Ed25519")
            #expect(published[0].publicKey.count == 32)
            #expect(published[0].retiredAtMicros == 0)
            let source = try await service.signingKeySource.currentKeys()
            #expect(source.map(\.kid) == [published[0].kid])
        }
    }

    @Test func concurrentFirstUseCreatesOneKey() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, environment in
            let kids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await keys(service)[0].kid }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(kids.count == 1)
            let stored = try await environment.store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signing_keys")
            }
            #expect(stored == 1)
        }
    }

    @Test func oldKeyVerifiesUntilItsPublishWindowEnds() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, _ in
            let old = try await operatorToken(service)
            let oldKid = try await keys(service)[0].kid
            clock.advance(by: 60)
            let rotated = try await acting(as: TestPrincipals.operator) {
                try await service.rotateSigningKey(request: .init(), context: context())
            }
            #expect(rotated.keys.count == 2)
            #expect(rotated.keys[0].kid != oldKid)
            #expect(rotated.keys[0].retiredAtMicros == 0)
            #expect(rotated.keys[1].kid == oldKid)
            #expect(rotated.keys[1].publishUntilMicros - rotated.keys[1].retiredAtMicros == (900 + 60) * 1_000_000)

            // New tokens use the new key; old tokens still verify.
            let fresh = try await service.login(request: loginRequest("root"), context: context())
            #expect(fresh.accessToken != old.accessToken)
            clock.advance(by: 600)
            _ = try await verifier(service, clock: clock).verify(old.accessToken)
            _ = try await verifier(service, clock: clock).verify(fresh.accessToken)

            // After the window the old key is withdrawn and its tokens are refused.
            clock.advance(by: 361)
            #expect(try await keys(service).map(\.kid) == [rotated.keys[0].kid])
            await #expect(throws: AuthenticationError.unknownKeyID(oldKid)) {
                _ = try await verifier(service, clock: clock).verify(old.accessToken)
            }
        }
    }

    @Test func maintenanceRotatesWhenDueAndDropsWithdrawnKeys() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, environment in
            try await service.accounts.maintainOnce()
            let first = try await keys(service)
            clock.advance(by: 3_600)
            try await service.accounts.maintainOnce()
            #expect(try await keys(service) == first)
            clock.advance(by: 86_400)
            try await service.accounts.maintainOnce()
            let second = try await keys(service)
            #expect(second.count == 2)
            #expect(second[1].kid == first[0].kid)
            clock.advance(by: 2_000)
            try await service.accounts.maintainOnce()
            let stored = try await environment.store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT kid FROM signing_keys")
            }
            #expect(stored == [second[0].kid])
        }
    }

    @Test func forgedExpiredAndWrongAudienceTokensAreRefused() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, _ in
            let genuine = try await operatorToken(service)
            let kid = try await keys(service)[0].kid
            let claims = AccessTokenClaims(
                principal: TestPrincipals.operator, issuer: "voucherd-identity", audience: "voucherd",
                issuedAt: clock.now, expiresAt: clock.now.addingTimeInterval(900))

            // Signed by a foreign key that claims the service's kid.
            let foreign = JWTKeyCollection()
            await foreign.add(eddsa: EdDSA.PrivateKey(backing: Curve25519.Signing.PrivateKey()), kid: JWKIdentifier(string: kid))
            let forged = try await foreign.sign(claims, kid: JWKIdentifier(string: kid))
            await #expect(throws: AuthenticationError.invalidSignature) {
                _ = try await verifier(service, clock: clock).verify(forged)
            }
            let otherKid = try await foreign.sign(claims, kid: JWKIdentifier(string: "sk_foreign"))
            await #expect(throws: AuthenticationError.self) {
                _ = try await verifier(service, clock: clock).verify(otherKid)
            }

            // Signed by the real key for another audience.
            let signer = try await service.accounts.currentSigner()
            let otherAudience = AccessTokenClaims(
                principal: TestPrincipals.operator, issuer: "voucherd-identity", audience: "elsewhere",
                issuedAt: clock.now, expiresAt: clock.now.addingTimeInterval(900))
            let wrongAudience = try await signer.keys.sign(otherAudience, kid: JWKIdentifier(string: signer.kid))
            await #expect(throws: AuthenticationError.wrongAudience) {
                _ = try await verifier(service, clock: clock).verify(wrongAudience)
            }

            // The genuine token expires after 15 minutes (plus the verifier's 30 s leeway).
            clock.advance(by: 900 + 31)
            await #expect(throws: AuthenticationError.expired) {
                _ = try await verifier(service, clock: clock).verify(genuine.accessToken)
            }
        }
    }
}
