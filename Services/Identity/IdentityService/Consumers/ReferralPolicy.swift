/// The referral programme: invitees per reward, and the reward.
///
/// Each time an inviter's registered invitees reach a multiple of ``threshold``, identity writes
/// a `ReferralRewardCommand` to its outbox for issuance to grant the coupon.
public struct ReferralPolicy: Sendable, Hashable {
    /// Registered invitees per reward. Default 3; 0 turns rewards off (codes still link invitees).
    public var threshold: UInt32
    /// The no-threshold coupon's face value in minor units. Default 5,000 (50.00 CNY).
    public var rewardMinorUnits: Int64
    /// The reward's ISO 4217 currency. Default `"CNY"`.
    public var rewardCurrency: String
    /// The issuance campaign the coupon is granted from. Default `""` (issuance's default).
    public var campaignID: String

    /// Creates a policy.
    /// - Parameters:
    ///   - threshold: invitees per reward, default 3.
    ///   - rewardMinorUnits: face value in minor units, default 5,000.
    ///   - rewardCurrency: face value currency, default `"CNY"`.
    ///   - campaignID: the granting campaign, default empty.
    public init(
        threshold: UInt32 = 3, rewardMinorUnits: Int64 = 5_000, rewardCurrency: String = "CNY",
        campaignID: String = ""
    ) {
        self.threshold = threshold
        self.rewardMinorUnits = rewardMinorUnits
        self.rewardCurrency = rewardCurrency
        self.campaignID = campaignID
    }

    /// Whether the invitee count reached with one more registration earns a reward.
    /// - Parameter invitees: the inviter's registered invitees, this one included.
    /// - Returns: true at every multiple of ``threshold``.
    public func earnsReward(invitees: UInt32) -> Bool {
        threshold > 0 && invitees > 0 && invitees % threshold == 0
    }
}
