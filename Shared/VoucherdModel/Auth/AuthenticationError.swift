/// Why an access token was rejected. Descriptions name what was wrong, never the token.
public enum AuthenticationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The call carried no `authorization` header.
    case missingCredentials
    /// The `authorization` header was not `Bearer <token>`.
    case malformedAuthorizationHeader
    /// The token is not a well-formed JWS compact serialization.
    case malformedToken
    /// The token's header names an algorithm other than EdDSA.
    case unsupportedAlgorithm(String)
    /// The token's header carries no `kid`.
    case missingKeyID
    /// No published key has the token's `kid`, even after refreshing the key set.
    case unknownKeyID(String)
    /// The signature does not verify with the published key.
    case invalidSignature
    /// The token has expired.
    case expired
    /// The token was issued for another audience.
    case wrongAudience
    /// The token was issued by an unexpected issuer.
    case wrongIssuer
    /// A claim is missing or has an unusable value.
    case invalidClaims(String)
    /// The signing keys could not be fetched.
    case keySourceUnavailable

    /// A human-readable reason, safe to return to the caller.
    public var description: String {
        switch self {
        case .missingCredentials: "Missing 'authorization' metadata."
        case .malformedAuthorizationHeader: "The 'authorization' metadata must be 'Bearer <token>'."
        case .malformedToken: "The access token is malformed."
        case .unsupportedAlgorithm(let alg): "The access token's algorithm '\(alg)' is not accepted."
        case .missingKeyID: "The access token has no key id."
        case .unknownKeyID(let kid): "The access token's key id '\(kid)' is unknown."
        case .invalidSignature: "The access token's signature is invalid."
        case .expired: "The access token has expired."
        case .wrongAudience: "The access token was issued for another audience."
        case .wrongIssuer: "The access token was issued by an unexpected issuer."
        case .invalidClaims(let reason): "The access token's claims are invalid: \(reason)."
        case .keySourceUnavailable: "The signing keys are unavailable."
        }
    }
}
