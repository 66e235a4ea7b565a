import GRDB

extension IssuanceSchema {
    /// Generated codes and the generation runs that produced them.
    ///
    /// `campaign_codes` holds each code in canonical form (see `CouponCode`), unique across
    /// every campaign because ClaimCode finds a code without knowing its campaign. The plaintext
    /// is stored, not a keyed hash: ExportCodes must give the merchant its codes back for
    /// printing, and a hash kept next to the plaintext would protect nothing. The codes are
    /// as secret as the store file itself (only this service opens it); encrypting the column
    /// under a key held outside the store is the next step once deployments have a KMS.
    ///
    /// Rows are appended in rowid order per run, so the table and the campaign index grow at
    /// their ends and only the UNIQUE index takes random inserts: that is what keeps a million
    /// codes within seconds. A claimed code's coupon is the `coupons` row with the same `code`.
    ///
    /// `code_runs` makes GenerateCodes idempotent and resumable: one row per (principal,
    /// idempotency key), its `generated` advanced in the same transaction as each stored chunk.
    /// An unfinished run reserves `total - generated` of the campaign's inventory.
    static func v5Codes(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE campaign_codes (
                    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
                    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 9 AND 49)
                ) STRICT
                """)
        try db.execute(sql: "CREATE INDEX campaign_codes_by_campaign ON campaign_codes (campaign_id)")
        try db.execute(
            sql: """
                CREATE TABLE code_runs (
                    principal TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    request_hash BLOB NOT NULL,
                    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
                    total INTEGER NOT NULL CHECK (total >= 1),
                    generated INTEGER NOT NULL DEFAULT 0 CHECK (generated >= 0 AND generated <= total),
                    created_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL,
                    PRIMARY KEY (principal, idempotency_key)
                ) STRICT, WITHOUT ROWID
                """)
        try db.execute(sql: "CREATE INDEX code_runs_open ON code_runs (campaign_id) WHERE generated < total")
    }
}
