/// The referral programme: invitees per reward, and the reward.
public struct ReferralPolicy: Sendable, Hashable {
    /// Creates the default policy.
    public init() {}
}
