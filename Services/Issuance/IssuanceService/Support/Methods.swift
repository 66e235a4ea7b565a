/// Method names as idempotency records key them (`/package.Service/Method`), so a key used for
/// one method never answers another.
enum Methods {
    static let createCampaign = "/voucherd.v1.Issuance/CreateCampaign"
    static let claimCoupon = "/voucherd.v1.Issuance/ClaimCoupon"
    static let grantCoupons = "/voucherd.v1.Issuance/GrantCoupons"
    static let transferCoupon = "/voucherd.v1.Issuance/TransferCoupon"
    /// Identity's referral reward command, idempotent by its `command_id`.
    static let referralReward = "voucherd.v1.ReferralRewardCommand"
}

extension Methods {
    static let lockCoupons = "/voucherd.v1.Issuance/LockCoupons"
    /// Checkout steps are idempotent by redemption id across every redemption service account.
    static let checkoutPrincipal = "checkout"
}
