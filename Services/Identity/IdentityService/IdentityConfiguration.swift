/// The identity service's policies. Each part documents its keys and defaults; the executable
/// reads them from the service's JSON configuration file (key `identity`).
public struct IdentityConfiguration: Sendable, Hashable {
    /// Token lifetimes, issuer/audience and signing-key rotation.
    public var tokens: TokenPolicy
    /// Password hashing and login lockout.
    public var passwords: PasswordPolicy
    /// Member tiers and the points ledger's currency.
    public var members: MemberPolicy
    /// The referral programme.
    public var referrals: ReferralPolicy
    /// The certificate identities (first URI SAN) allowed to call ReadOutbox, with a service or
    /// operator token. Default issuance's and analytics', the names `voucherctl certs init`
    /// gives; an operator reading the outbox by hand needs its certificate added here.
    public var outboxReaders: Set<String>

    /// The default ``outboxReaders``.
    public static let defaultOutboxReaders: Set<String> = [
        "spiffe://voucherd/service/issuance", "spiffe://voucherd/service/analytics",
    ]

    /// Creates a configuration; every part defaults to its documented defaults.
    public init(
        tokens: TokenPolicy = TokenPolicy(),
        passwords: PasswordPolicy = PasswordPolicy(),
        members: MemberPolicy = MemberPolicy(),
        referrals: ReferralPolicy = ReferralPolicy(),
        outboxReaders: Set<String> = IdentityConfiguration.defaultOutboxReaders
    ) {
        self.tokens = tokens
        self.passwords = passwords
        self.members = members
        self.referrals = referrals
        self.outboxReaders = outboxReaders
    }
}
