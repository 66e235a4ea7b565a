public import GRPCCore

/// Who a call acts for, as proven by a verified access token.
///
/// mTLS proves which service is calling; the principal says which user (or service account)
/// the call is made on behalf of. ``AuthenticationInterceptor`` binds it to ``current`` for the
/// duration of each authenticated call.
public struct Principal: Sendable, Hashable {
    /// The token's subject: a stable account identifier.
    public var subject: String
    /// What kind of principal this is.
    public var role: Role
    /// The merchant this principal is scoped to, for merchants and merchant staff.
    public var merchantID: String?
    /// The member tier, for example "regular", "silver" or "gold".
    public var tier: String?

    /// Creates a principal.
    /// - Parameters:
    ///   - subject: the account identifier.
    ///   - role: the principal's role.
    ///   - merchantID: the merchant scope, if any.
    ///   - tier: the member tier, if any.
    public init(subject: String, role: Role, merchantID: String? = nil, tier: String? = nil) {
        self.subject = subject
        self.role = role
        self.merchantID = merchantID
        self.tier = tier
    }

    /// The principal of the call the current task is serving, if it was authenticated.
    @TaskLocal public static var current: Principal?

    /// The current call's principal.
    /// - Returns: ``current``.
    /// - Throws: `RPCError` with code `.unauthenticated` when no principal is bound.
    public static func required() throws(RPCError) -> Principal {
        guard let principal = Self.current else {
            throw RPCError(code: .unauthenticated, message: "This call requires an authenticated principal.")
        }
        return principal
    }
}
