/// Token lifetimes, issuer and audience, and signing-key rotation.
public struct TokenPolicy: Sendable, Hashable {
    /// Creates the default policy.
    public init() {}
}
