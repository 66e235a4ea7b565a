/// Password hashing parameters and login lockout.
public struct PasswordPolicy: Sendable, Hashable {
    /// Creates the default policy.
    public init() {}
}
