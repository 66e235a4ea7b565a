import GRDB

extension IssuanceSchema {
    /// Checkout locks: one row per (redemption, coupon). A row ends committed or released
    /// (invariant 3: never both), and at most one lock per coupon is open at a time.
    static func v4CouponLocks(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE coupon_locks (
                    redemption_id TEXT NOT NULL,
                    coupon_id TEXT NOT NULL REFERENCES coupons (id),
                    consumer_id TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('locked', 'committed', 'released', 'reversed')),
                    -- Stored value: the amount held, and what the commit spent of it.
                    amount_minor INTEGER CHECK (amount_minor IS NULL OR amount_minor > 0),
                    spent_minor INTEGER CHECK (spent_minor IS NULL OR spent_minor >= 0),
                    expires_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL,
                    PRIMARY KEY (redemption_id, coupon_id),
                    CHECK (spent_minor IS NULL OR (amount_minor IS NOT NULL AND spent_minor <= amount_minor))
                ) STRICT
                """)
        try db.execute(sql: "CREATE UNIQUE INDEX coupon_locks_one_open ON coupon_locks (coupon_id) WHERE state = 'locked'")
        try db.execute(sql: "CREATE INDEX coupon_locks_expiry ON coupon_locks (expires_at_us) WHERE state = 'locked'")
    }
}
