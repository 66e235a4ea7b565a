public import Foundation
public import JWTKit

/// The claims of a Voucherd access token, signed by the identity service with EdDSA.
public struct AccessTokenClaims: JWTPayload, Equatable {
    /// The default clock skew tolerated when checking expiry.
    public static let defaultLeeway: TimeInterval = 30

    /// The principal's account identifier.
    public var sub: SubjectClaim
    /// When the token stops being valid.
    public var exp: ExpirationClaim
    /// When the token was issued.
    public var iat: IssuedAtClaim
    /// Who issued the token (the identity service).
    public var iss: IssuerClaim
    /// Who the token is for.
    public var aud: AudienceClaim
    /// The principal's ``Role``, as its raw value.
    public var role: String
    /// The merchant scope, if any.
    public var mid: String?
    /// The member tier, if any.
    public var tier: String?

    /// Creates claims for a principal.
    /// - Parameters:
    ///   - principal: who the token acts for.
    ///   - issuer: the issuing service.
    ///   - audience: the intended audience.
    ///   - issuedAt: the issue time.
    ///   - expiresAt: the expiry time.
    public init(principal: Principal, issuer: String, audience: String, issuedAt: Date, expiresAt: Date) {
        self.sub = SubjectClaim(value: principal.subject)
        self.exp = ExpirationClaim(value: expiresAt)
        self.iat = IssuedAtClaim(value: issuedAt)
        self.iss = IssuerClaim(value: issuer)
        self.aud = AudienceClaim(value: [audience])
        self.role = principal.role.rawValue
        self.mid = principal.merchantID
        self.tier = principal.tier
    }

    /// Called by jwt-kit after the signature verifies: rejects expired tokens, allowing
    /// ``defaultLeeway`` of clock skew. Audience and issuer need expected values, which
    /// ``validate(issuer:audience:now:leeway:)`` checks.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try self.exp.verifyNotExpired(currentDate: Date().addingTimeInterval(-Self.defaultLeeway))
    }

    /// Checks expiry (with leeway), issuer and audience.
    /// - Parameters:
    ///   - issuer: the expected issuer.
    ///   - audience: the audience this service accepts.
    ///   - now: the current time.
    ///   - leeway: tolerated clock skew, in seconds.
    /// - Throws: ``AuthenticationError``.
    public func validate(
        issuer: String,
        audience: String,
        now: Date,
        leeway: TimeInterval = Self.defaultLeeway
    ) throws(AuthenticationError) {
        guard now.addingTimeInterval(-leeway) < self.exp.value else { throw .expired }
        guard self.iss.value == issuer else { throw .wrongIssuer }
        guard self.aud.value.contains(audience) else { throw .wrongAudience }
    }

    /// The principal these claims describe.
    /// - Throws: ``AuthenticationError/invalidClaims(_:)`` for an empty subject, an unknown
    ///   role, or a merchant-scoped role without a merchant.
    public func principal() throws(AuthenticationError) -> Principal {
        guard !self.sub.value.isEmpty else { throw .invalidClaims("empty subject") }
        guard let role = Role(rawValue: self.role) else { throw .invalidClaims("unknown role") }
        if role == .merchant || role == .merchantStaff, self.mid?.isEmpty ?? true {
            throw .invalidClaims("merchant role without merchant id")
        }
        return Principal(subject: self.sub.value, role: role, merchantID: self.mid, tier: self.tier)
    }
}
