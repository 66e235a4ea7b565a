/// The issuance service's policies; each field documents its default.
public struct IssuanceConfiguration: Sendable, Hashable {
    /// Rows per page when a list request leaves `page_size` at 0. Default 50.
    public var defaultPageSize: Int = 50
    /// The largest `page_size` a list request may ask for. Default 500.
    public var maximumPageSize: Int = 500
    /// The most consumers one GrantCoupons request may name. Default 10,000.
    public var maximumGrantSize: Int = 10_000
    /// The campaign a referral reward is granted from when the command names none. Default
    /// empty: such commands are refused.
    public var referralCampaignID: String = ""

    /// The certificate identities allowed to lock, commit, release and reverse (redemption's).
    /// Default `["spiffe://voucherd/redemption"]`.
    public var checkoutCallers: Set<String> = ["spiffe://voucherd/redemption"]
    /// A lock's time-to-live when LockCoupons leaves `ttl_seconds` at 0. Default 120 seconds.
    public var defaultLockSeconds: Int = 120
    /// The longest lock LockCoupons may ask for. Default 900 seconds.
    public var maximumLockSeconds: Int = 900

    /// The refund window of a paid voucher whose campaign leaves `refund_window_days` at 0, in
    /// days after issue. Default 3 (the seeds' figure).
    public var defaultRefundWindowDays: Int = 3
    /// How long an unfinished points-exchange saga is left to its own request before
    /// ``IssuanceService/resumeSagas()`` drives it, in seconds. Default 30.
    public var sagaResumeDelaySeconds: Int = 30
    /// The most sagas one ``IssuanceService/resumeSagas()`` pass drives. Default 100.
    public var sagaResumeBatchSize: Int = 100
    /// The most coupons one expiry or reminder write changes, so a sweep never holds the
    /// writer for long. Default 500.
    public var expiryBatchSize: Int = 500
    /// How long before a coupon's end of validity its holder is reminded, in seconds. Default
    /// 86,400 (24 hours).
    public var expiryReminderLeadSeconds: Int = 86_400

    /// Creates the default configuration.
    public init() {}
}
