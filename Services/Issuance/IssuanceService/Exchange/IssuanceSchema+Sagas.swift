import GRDB

extension IssuanceSchema {
    /// Points-exchange sagas: one row per ExchangePoints request (unique per principal and
    /// idempotency key), recording how far it got, so ``IssuanceService/resumeSagas()`` can
    /// finish or undo it after a crash. The CHECKs pin what each state must hold: a completed
    /// saga names its coupon and answer, a refund needs the spend it undoes.
    static func v6PointsSagas(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE points_sagas (
                    id TEXT PRIMARY KEY NOT NULL,
                    principal TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    request_hash BLOB NOT NULL,
                    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
                    consumer_id TEXT NOT NULL,
                    -- How the coupon is issued: 'consumer' (with its tier) or 'service'.
                    claimant TEXT NOT NULL CHECK (claimant IN ('consumer', 'service')),
                    tier TEXT NOT NULL,
                    points INTEGER NOT NULL CHECK (points > 0),
                    state TEXT NOT NULL CHECK (state IN
                        ('started', 'spent', 'completed', 'compensating', 'compensated', 'failed')),
                    spend_entry_id TEXT,
                    coupon_id TEXT REFERENCES coupons (id),
                    -- The first answer: the coupon's bytes, or the refusal's code and message.
                    response BLOB,
                    failure_code INTEGER,
                    failure_message TEXT,
                    created_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL,
                    UNIQUE (principal, idempotency_key),
                    CHECK ((state = 'completed') = (coupon_id IS NOT NULL AND response IS NOT NULL)),
                    CHECK (state NOT IN ('spent', 'completed', 'compensating') OR spend_entry_id IS NOT NULL),
                    CHECK (state NOT IN ('compensating', 'compensated', 'failed') OR failure_code IS NOT NULL)
                ) STRICT
                """)
        // resumeSagas scans the unfinished ones only.
        try db.execute(sql: "CREATE INDEX points_sagas_by_state ON points_sagas (state, updated_at_us)")
    }
}
