import Crypto
import VoucherdModel
import Foundation
import Testing
import VoucherdRuntime

@Suite struct AccessTokenVerifierTests {
    let signer = TestSigner(kid: "k1")

    @Test func validTokenYieldsPrincipalWithAllFields() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let token = try await self.signer.token()
        let principal = try await verifier.verify(token)
        #expect(principal == Principal(subject: "user-42", role: .merchantStaff, merchantID: "m-7", tier: "gold"))
    }

    @Test func consumerWithoutMerchantScopeVerifies() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let consumer = Principal(subject: "c-1", role: .consumer, tier: "silver")
        let principal = try await verifier.verify(try await self.signer.token(for: consumer))
        #expect(principal == consumer)
    }

    @Test func forgedTokenWithSameKidIsRejected() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let forger = TestSigner(kid: "k1")
        let token = try await forger.token()
        await #expect(throws: AuthenticationError.invalidSignature) { try await verifier.verify(token) }
    }

    @Test func tamperedPayloadIsRejected() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let token = try await self.signer.token()
        let operatorToken = try await TestSigner(kid: "other").token(for: Principal(subject: "x", role: .operator))
        let parts = token.split(separator: ".")
        let forged = [parts[0], operatorToken.split(separator: ".")[1], parts[2]].joined(separator: ".")
        await #expect(throws: AuthenticationError.invalidSignature) { try await verifier.verify(forged) }
    }

    @Test func expiredTokenIsRejected() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let token = try await self.signer.token(issuedAt: Date().addingTimeInterval(-3600), lifetime: 300)
        await #expect(throws: AuthenticationError.expired) { try await verifier.verify(token) }
    }

    @Test func expiryAllowsLeewayButNoMore() async throws {
        let clock = ManualClock()
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]), clock: clock)
        let token = try await self.signer.token(issuedAt: clock.now(), lifetime: 60)
        clock.advance(by: 70)  // past exp, within the 30 s leeway
        _ = try await verifier.verify(token)
        let other = try await self.signer.token(
            for: Principal(subject: "u2", role: .consumer),
            issuedAt: clock.now().addingTimeInterval(-70),
            lifetime: 60
        )
        clock.advance(by: 25)  // both tokens are now 35 s past exp, beyond the leeway
        await #expect(throws: AuthenticationError.expired) { try await verifier.verify(other) }
        await #expect(throws: AuthenticationError.expired) { try await verifier.verify(token) }
    }

    @Test func wrongAudienceIsRejected() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let token = try await self.signer.token(audience: "someone-else")
        await #expect(throws: AuthenticationError.wrongAudience) { try await verifier.verify(token) }
    }

    @Test func wrongIssuerIsRejected() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let token = try await self.signer.token(issuer: "evil-identity")
        await #expect(throws: AuthenticationError.wrongIssuer) { try await verifier.verify(token) }
    }

    @Test func unknownRoleIsRejected() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        var claims = AccessTokenClaims(
            principal: .sampleMerchantStaff, issuer: testIssuer, audience: testAudience,
            issuedAt: Date(), expiresAt: Date().addingTimeInterval(60)
        )
        claims.role = "superuser"
        let token = try await self.signer.sign(claims)
        await #expect(throws: AuthenticationError.invalidClaims("unknown role")) { try await verifier.verify(token) }
    }

    @Test func unknownKidIsRejectedAfterRefresh() async throws {
        let source = MutableKeySource([self.signer.published])
        let verifier = makeVerifier(source: source)
        let token = try await TestSigner(kid: "nobody").token()
        await #expect(throws: AuthenticationError.unknownKeyID("nobody")) { try await verifier.verify(token) }
        #expect(source.fetches == 1)
    }

    @Test(arguments: [
        "",
        "not-a-jwt",
        "a.b",
        "a.b.c.d",
        "!!!.e30.sig",
        "e30.e30.c2ln",
    ])
    func malformedTokensAreRejected(token: String) async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        await #expect(throws: AuthenticationError.malformedToken) { try await verifier.verify(token) }
    }

    @Test func noneAlgorithmIsRejected() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let header = Data(#"{"alg":"none","kid":"k1"}"#.utf8).base64EncodedString()
        await #expect(throws: AuthenticationError.unsupportedAlgorithm("none")) {
            try await verifier.verify("\(header).e30.c2ln")
        }
    }

    @Test func missingKidIsRejected() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let header = Data(#"{"alg":"EdDSA"}"#.utf8).base64EncodedString()
        await #expect(throws: AuthenticationError.missingKeyID) { try await verifier.verify("\(header).e30.c2ln") }
    }

    /// Signs `header` and the claims by hand, the way any JWS library lays a token out.
    private func handSigned(header: String, claims: AccessTokenClaims) throws -> String {
        func part(_ bytes: Data) -> String {
            bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let input = part(Data(header.utf8)) + "." + part(try encoder.encode(claims))
        return input + "." + part(try self.signer.privateKey.signature(for: Data(input.utf8)))
    }

    private var sampleClaims: AccessTokenClaims {
        AccessTokenClaims(
            principal: .sampleMerchantStaff, issuer: testIssuer, audience: testAudience, issuedAt: Date(),
            expiresAt: Date().addingTimeInterval(300))
    }

    @Test func handSignedTokenVerifies() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let token = try self.handSigned(header: #"{"alg":"EdDSA","kid":"k1","typ":"JWT"}"#, claims: self.sampleClaims)
        #expect(try await verifier.verify(token) == .sampleMerchantStaff)
    }

    @Test func criticalExtensionsAreRefused() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let token = try self.handSigned(header: #"{"alg":"EdDSA","kid":"k1","crit":["exp"]}"#, claims: self.sampleClaims)
        await #expect(throws: AuthenticationError.malformedToken) { try await verifier.verify(token) }
        #expect(verifier.statistics.signatureVerifications == 0)
    }

    @Test func signatureOverOtherBytesIsRejected() async throws {
        let verifier = makeVerifier(source: StaticSigningKeySource([self.signer.published]))
        let token = try await self.signer.token()
        let parts = token.split(separator: ".")
        // The same header and claims, with the signature of another token of the same key.
        let other = try await self.signer.token(for: Principal(subject: "user-43", role: .consumer, merchantID: nil, tier: nil))
        let forged = "\(parts[0]).\(parts[1]).\(other.split(separator: ".")[2])"
        await #expect(throws: AuthenticationError.invalidSignature) { try await verifier.verify(forged) }
    }
}
