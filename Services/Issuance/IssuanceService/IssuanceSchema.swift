public import VoucherdStore

/// The issuance service's own tables, after the store's (idempotency, outbox, audit).
///
/// Migrations are named `v<N>_<what>` and never edited once landed; add a new one instead.
/// The constraints make the database itself refuse an impossible state: a campaign issuing more
/// than its inventory or spending more than its budget, a negative stored-value balance, an
/// unknown status or state.
public enum IssuanceSchema {
    /// Every migration, in order.
    public static let migrations: [StoreMigration] = [
        StoreMigration("v1_campaigns", migrate: { try v1Campaigns($0) }),
        StoreMigration("v2_coupons", migrate: { try v2Coupons($0) }),
        StoreMigration("v3_claim_counters", migrate: { try v3ClaimCounters($0) }),
        StoreMigration("v4_coupon_locks", migrate: { try v4CouponLocks($0) }),
        StoreMigration("v5_codes", migrate: { try v5Codes($0) }),
        StoreMigration("v6_points_sagas", migrate: { try v6PointsSagas($0) }),
        StoreMigration("v7_expiry", migrate: { try v7Expiry($0) }),
    ]
}
