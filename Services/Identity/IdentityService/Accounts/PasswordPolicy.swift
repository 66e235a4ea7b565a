/// Password hashing parameters and login lockout.
///
/// Passwords are hashed with PBKDF2-HMAC-SHA256 and a random salt per password; the iteration
/// count is stored with each hash, so raising ``iterations`` later re-hashes each password at its
/// owner's next successful login instead of invalidating it.
///
/// | field | default |
/// |---|---|
/// | ``iterations`` | 600,000 (OWASP's minimum for PBKDF2-HMAC-SHA256, 2023) |
/// | ``saltByteCount`` | 16 |
/// | ``minimumPasswordLength`` | 12 characters |
/// | ``maximumPasswordLength`` | 256 characters |
/// | ``maximumFailedLogins`` | 5 consecutive failures |
/// | ``lockoutDuration`` | 15 minutes |
public struct PasswordPolicy: Sendable, Hashable {
    /// PBKDF2-HMAC-SHA256 iterations for new hashes. Default 600,000. Tests may lower it; the
    /// service refuses nothing below it, it only makes hashing cheaper.
    public var iterations: Int
    /// Random salt bytes per password. Default 16.
    public var saltByteCount: Int
    /// The shortest password accepted, in characters. Default 12.
    public var minimumPasswordLength: Int
    /// The longest password accepted, in characters (bounds the hashing work). Default 256.
    public var maximumPasswordLength: Int
    /// Consecutive failed logins that lock an account. Default 5.
    public var maximumFailedLogins: Int
    /// How long a locked account stays locked. Default 15 minutes.
    public var lockoutDuration: Duration

    /// Creates a policy; every field defaults to the value documented on the type.
    /// - Parameters:
    ///   - iterations: PBKDF2 iterations, default 600,000.
    ///   - saltByteCount: salt bytes, default 16.
    ///   - minimumPasswordLength: default 12.
    ///   - maximumPasswordLength: default 256.
    ///   - maximumFailedLogins: default 5.
    ///   - lockoutDuration: default 15 minutes.
    public init(
        iterations: Int = 600_000,
        saltByteCount: Int = 16,
        minimumPasswordLength: Int = 12,
        maximumPasswordLength: Int = 256,
        maximumFailedLogins: Int = 5,
        lockoutDuration: Duration = .seconds(15 * 60)
    ) {
        self.iterations = iterations
        self.saltByteCount = saltByteCount
        self.minimumPasswordLength = minimumPasswordLength
        self.maximumPasswordLength = maximumPasswordLength
        self.maximumFailedLogins = maximumFailedLogins
        self.lockoutDuration = lockoutDuration
    }
}
