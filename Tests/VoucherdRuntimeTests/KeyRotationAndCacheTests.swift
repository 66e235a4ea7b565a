import VoucherdModel
import Foundation
import Testing
import VoucherdRuntime

@Suite struct KeyRotationAndCacheTests {
    @Test func rotationRefreshesKeysAndOldKeyStillVerifies() async throws {
        let keyA = TestSigner(kid: "A")
        let keyB = TestSigner(kid: "B")
        let source = MutableKeySource([keyA.published])
        let verifier = makeVerifier(source: source, refreshInterval: 0)

        let tokenA = try await keyA.token(for: Principal(subject: "a", role: .consumer))
        #expect(try await verifier.verify(tokenA).subject == "a")
        #expect(source.fetches == 1)

        source.publish([keyA.published, keyB.published])
        let tokenB = try await keyB.token(for: Principal(subject: "b", role: .consumer))
        #expect(try await verifier.verify(tokenB).subject == "b")
        #expect(source.fetches == 2)

        let freshTokenA = try await keyA.token(for: Principal(subject: "a2", role: .consumer))
        #expect(try await verifier.verify(freshTokenA).subject == "a2")
        #expect(source.fetches == 2)
    }

    @Test func retiredKeyStopsVerifyingAfterRefresh() async throws {
        let keyA = TestSigner(kid: "A")
        let keyB = TestSigner(kid: "B")
        let source = MutableKeySource([keyA.published])
        let verifier = makeVerifier(source: source, refreshInterval: 0)
        await verifier.refreshKeys()
        source.publish([keyB.published])
        _ = try await verifier.verify(try await keyB.token())
        let lateA = try await keyA.token()
        await #expect(throws: AuthenticationError.unknownKeyID("A")) { try await verifier.verify(lateA) }
    }

    @Test func refetchIntervalLimitsFetchesForUnknownKidFlood() async throws {
        let clock = ManualClock()
        let keyA = TestSigner(kid: "A")
        let source = MutableKeySource([keyA.published])
        let verifier = makeVerifier(source: source, clock: clock, refreshInterval: 10)
        await verifier.refreshKeys()
        #expect(source.fetches == 1)

        clock.advance(by: 11)
        for index in 0..<50 {
            let bogus = try await TestSigner(kid: "bogus-\(index)").token(issuedAt: clock.now())
            await #expect(throws: AuthenticationError.unknownKeyID("bogus-\(index)")) {
                try await verifier.verify(bogus)
            }
        }
        #expect(source.fetches == 2)

        clock.advance(by: 10)
        let bogus = try await TestSigner(kid: "bogus-late").token(issuedAt: clock.now())
        await #expect(throws: AuthenticationError.unknownKeyID("bogus-late")) { try await verifier.verify(bogus) }
        #expect(source.fetches == 3)
        #expect(await verifier.keyFetchCount == 3)
    }

    @Test func concurrentUnknownKidsShareOneFetch() async throws {
        let keyA = TestSigner(kid: "A")
        let source = MutableKeySource([keyA.published])
        let verifier = makeVerifier(source: source, refreshInterval: 60)
        let token = try await keyA.token()
        try await withThrowingTaskGroup(of: Principal.self) { group in
            for _ in 0..<20 {
                group.addTask { try await verifier.verify(token) }
            }
            for try await principal in group {
                #expect(principal == .sampleMerchantStaff)
            }
        }
        #expect(source.fetches == 1)
    }

    @Test func secondVerifyIsACacheHit() async throws {
        let key = TestSigner(kid: "A")
        let verifier = makeVerifier(source: StaticSigningKeySource([key.published]))
        let token = try await key.token()
        _ = try await verifier.verify(token)
        #expect(verifier.statistics.cacheHits == 0)
        #expect(verifier.statistics.signatureVerifications == 1)
        #expect(try await verifier.verify(token) == .sampleMerchantStaff)
        #expect(verifier.statistics.cacheHits == 1)
        #expect(verifier.statistics.signatureVerifications == 1)
    }

    @Test func failedTokensAreNotCached() async throws {
        let key = TestSigner(kid: "A")
        let verifier = makeVerifier(source: StaticSigningKeySource([key.published]))
        let forged = try await TestSigner(kid: "A").token()
        for _ in 0..<2 {
            await #expect(throws: AuthenticationError.invalidSignature) { try await verifier.verify(forged) }
        }
        #expect(verifier.statistics.signatureVerifications == 2)
        #expect(verifier.cachedTokenCount == 0)
    }

    @Test func cachedTokenExpiresWithTheToken() async throws {
        let clock = ManualClock()
        let key = TestSigner(kid: "A")
        let verifier = makeVerifier(source: StaticSigningKeySource([key.published]), clock: clock)
        let token = try await key.token(issuedAt: clock.now(), lifetime: 60)
        _ = try await verifier.verify(token)
        clock.advance(by: 100)
        await #expect(throws: AuthenticationError.expired) { try await verifier.verify(token) }
        #expect(verifier.statistics.cacheHits == 0)
    }

    @Test func cacheIsBounded() async throws {
        let key = TestSigner(kid: "A")
        let verifier = makeVerifier(source: StaticSigningKeySource([key.published]), cacheCapacity: 3)
        var tokens: [String] = []
        for index in 0..<5 {
            let token = try await key.token(for: Principal(subject: "u\(index)", role: .consumer))
            tokens.append(token)
            _ = try await verifier.verify(token)
        }
        #expect(verifier.cachedTokenCount == 3)
        _ = try await verifier.verify(tokens[4])  // newest: still cached
        #expect(verifier.statistics.cacheHits == 1)
        _ = try await verifier.verify(tokens[0])  // oldest: evicted
        #expect(verifier.statistics.cacheHits == 1)
        #expect(verifier.statistics.signatureVerifications == 6)
    }
}
