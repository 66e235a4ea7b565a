import Crypto
import Foundation
import JWTKit
import VoucherdModel

/// Mints access tokens with a key the identity process is told to trust (`trusted-token-keys`),
/// and forged ones with a key it is not.
struct TokenMinter: Sendable {
    /// Identity's issuer and audience (voucherd-identity's IdentitySettings).
    static let issuer = "voucherd-identity"
    static let audience = "voucherd"
    static let kid = "e2e-test-key"

    let trusted = Curve25519.Signing.PrivateKey()
    let untrusted = Curve25519.Signing.PrivateKey()

    /// The JWKS file content trusting ``trusted``.
    var jwks: String {
        let x = self.trusted.publicKey.rawRepresentation.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return #"{"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "\#(Self.kid)", "x": "\#(x)"}]}"#
    }

    /// A token for `principal`, signed with the trusted key unless `forged`.
    func token(
        for principal: Principal,
        audience: String = Self.audience,
        issuer: String = Self.issuer,
        expiresIn: TimeInterval = 300,
        forged: Bool = false
    ) async throws -> String {
        let key = forged ? self.untrusted : self.trusted
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: key), kid: JWKIdentifier(string: Self.kid))
        let now = Date()
        let claims = AccessTokenClaims(
            principal: principal, issuer: issuer, audience: audience,
            issuedAt: now.addingTimeInterval(min(0, expiresIn) - 60), expiresAt: now.addingTimeInterval(expiresIn)
        )
        return try await keys.sign(claims, kid: JWKIdentifier(string: Self.kid))
    }
}
