import GRDB

extension IssuanceSchema {
    /// Coupons: one row per issued unit. A transfer closes the giver's row (state `transferred`,
    /// or a smaller balance) and opens the receiver's, which points back at it.
    static func v2Coupons(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE coupons (
                    id TEXT PRIMARY KEY NOT NULL,
                    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
                    merchant_id TEXT NOT NULL,
                    consumer_id TEXT,
                    state TEXT NOT NULL CHECK (state IN
                        ('issued', 'locked', 'redeemed', 'expired', 'transferred', 'refunded', 'revoked')),
                    variant TEXT NOT NULL,
                    benefit BLOB NOT NULL,
                    valid_from_us INTEGER NOT NULL,
                    valid_until_us INTEGER NOT NULL,
                    -- Stored value only: what is left. Invariant 2: never negative.
                    balance_currency TEXT,
                    balance_minor INTEGER CHECK (balance_minor IS NULL OR balance_minor >= 0),
                    code TEXT UNIQUE,
                    origin TEXT NOT NULL CHECK (origin IN ('claim', 'grant', 'code', 'transfer', 'points')),
                    transferred_from TEXT REFERENCES coupons (id),
                    -- What the coupon counted against the campaign's budget (0 without a budget).
                    face_value_minor INTEGER NOT NULL CHECK (face_value_minor >= 0),
                    issued_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL,
                    CHECK (valid_until_us >= valid_from_us),
                    CHECK ((balance_minor IS NULL) = (balance_currency IS NULL)),
                    CHECK (consumer_id IS NOT NULL OR origin = 'code'),
                    CHECK ((origin = 'transfer') = (transferred_from IS NOT NULL))
                ) STRICT
                """)
        try db.execute(sql: "CREATE INDEX coupons_wallet ON coupons (consumer_id, issued_at_us DESC, id DESC)")
        try db.execute(sql: "CREATE INDEX coupons_by_campaign ON coupons (campaign_id, state)")
        try db.execute(sql: "CREATE INDEX coupons_by_origin ON coupons (transferred_from)")
    }

    /// How many coupons each consumer claimed (or was granted) of each campaign: in total, and
    /// on the last day it claimed (the campaign's calendar), which is all a daily limit needs.
    static func v3ClaimCounters(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE claim_counters (
                    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
                    consumer_id TEXT NOT NULL,
                    total INTEGER NOT NULL CHECK (total >= 1),
                    day TEXT NOT NULL,
                    day_count INTEGER NOT NULL CHECK (day_count >= 1 AND day_count <= total),
                    PRIMARY KEY (campaign_id, consumer_id)
                ) STRICT, WITHOUT ROWID
                """)
    }
}
