/// A checkout lock on one coupon (`coupon_locks` row).
struct LockRecord: Sendable, Hashable {
    /// Where a lock is.
    enum State: String, Sendable, Hashable {
        case locked, committed, released, reversed
    }

    var redemptionID: String
    var couponID: String
    var consumerID: String
    var state: State
    /// Stored value only: the amount held.
    var amountMinor: Int64?
    /// Stored value only: what the commit spent.
    var spentMinor: Int64?
    var expiresAtMicros: Int64
}
