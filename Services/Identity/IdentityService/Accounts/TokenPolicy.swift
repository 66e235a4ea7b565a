/// Token lifetimes, issuer and audience, and signing-key rotation.
///
/// | field | default |
/// |---|---|
/// | ``issuer`` | `voucherd-identity` |
/// | ``audience`` | `voucherd` |
/// | ``accessTokenLifetime`` | 15 minutes |
/// | ``refreshTokenLifetime`` | 30 days |
/// | ``rotationInterval`` | 24 hours |
/// | ``publishLeeway`` | 60 seconds |
/// | ``maintenanceInterval`` | 60 seconds |
public struct TokenPolicy: Sendable, Hashable {
    /// The `iss` claim of every access token. Default `voucherd-identity`.
    public var issuer: String
    /// The `aud` claim of every access token. Default `voucherd`.
    public var audience: String
    /// How long an access token is valid. Default 15 minutes.
    public var accessTokenLifetime: Duration
    /// How long a refresh token is valid (each rotation starts a new one). Default 30 days.
    public var refreshTokenLifetime: Duration
    /// How often the signing key is replaced automatically. Default 24 hours.
    public var rotationInterval: Duration
    /// Extra time a retired key stays published after its last token expired, covering
    /// verifiers' clock skew. Default 60 seconds (verifiers tolerate 30).
    public var publishLeeway: Duration
    /// How often ``IdentityService/runMaintenance()`` wakes up. Default 60 seconds.
    public var maintenanceInterval: Duration

    /// Creates a policy; every field defaults to the value documented on the type.
    /// - Parameters:
    ///   - issuer: default `voucherd-identity`.
    ///   - audience: default `voucherd`.
    ///   - accessTokenLifetime: default 15 minutes.
    ///   - refreshTokenLifetime: default 30 days.
    ///   - rotationInterval: default 24 hours.
    ///   - publishLeeway: default 60 seconds.
    ///   - maintenanceInterval: default 60 seconds.
    public init(
        issuer: String = "voucherd-identity",
        audience: String = "voucherd",
        accessTokenLifetime: Duration = .seconds(15 * 60),
        refreshTokenLifetime: Duration = .seconds(30 * 24 * 60 * 60),
        rotationInterval: Duration = .seconds(24 * 60 * 60),
        publishLeeway: Duration = .seconds(60),
        maintenanceInterval: Duration = .seconds(60)
    ) {
        self.issuer = issuer
        self.audience = audience
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.rotationInterval = rotationInterval
        self.publishLeeway = publishLeeway
        self.maintenanceInterval = maintenanceInterval
    }
}
