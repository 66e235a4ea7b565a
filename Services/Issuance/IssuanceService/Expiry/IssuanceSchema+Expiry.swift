import GRDB

extension IssuanceSchema {
    /// Expiry: an index the sweepers scan by state and end of validity, and the coupons already
    /// reminded of their expiry, so each reminder goes out once.
    static func v7Expiry(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX coupons_by_expiry ON coupons (state, valid_until_us)")
        try db.execute(
            sql: """
                CREATE TABLE coupon_reminders (
                    coupon_id TEXT PRIMARY KEY NOT NULL REFERENCES coupons (id),
                    valid_until_us INTEGER NOT NULL,
                    reminded_at_us INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID
                """)
    }
}
