import GRDB

extension IssuanceSchema {
    /// Campaigns: the benefit and rules as serialized protobuf (`Voucherd_V1_Benefit`,
    /// `Voucherd_V1_CampaignRules`), plus the columns that queries and invariants need. The
    /// columns are authoritative for what can change after creation (claim end, inventory,
    /// budget); the serialized rules keep their creation-time copy.
    static func v1Campaigns(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE campaigns (
                    id TEXT PRIMARY KEY NOT NULL,
                    merchant_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'ended')),
                    distribution TEXT NOT NULL CHECK (distribution IN ('claim', 'grant', 'code')),
                    code_binding INTEGER NOT NULL CHECK (code_binding IN (0, 1, 2)),
                    code_format BLOB NOT NULL,
                    benefit BLOB NOT NULL,
                    rules BLOB NOT NULL,
                    time_zone TEXT NOT NULL,
                    claim_start_us INTEGER NOT NULL,
                    claim_end_us INTEGER NOT NULL,
                    inventory INTEGER NOT NULL CHECK (inventory >= 1),
                    issued INTEGER NOT NULL DEFAULT 0 CHECK (issued >= 0),
                    budget_currency TEXT,
                    budget_minor INTEGER CHECK (budget_minor IS NULL OR budget_minor > 0),
                    budget_used_minor INTEGER NOT NULL DEFAULT 0 CHECK (budget_used_minor >= 0),
                    redeemed INTEGER NOT NULL DEFAULT 0 CHECK (redeemed >= 0),
                    codes_generated INTEGER NOT NULL DEFAULT 0 CHECK (codes_generated >= 0),
                    transferable INTEGER NOT NULL CHECK (transferable IN (0, 1)),
                    created_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL,
                    -- Invariant 1: never more coupons than the inventory.
                    CHECK (issued <= inventory),
                    CHECK (redeemed <= issued),
                    -- Never more face value than the budget.
                    CHECK (budget_minor IS NULL OR budget_used_minor <= budget_minor),
                    CHECK ((budget_minor IS NULL) = (budget_currency IS NULL)),
                    CHECK (budget_minor IS NOT NULL OR budget_used_minor = 0),
                    CHECK (claim_start_us < claim_end_us)
                ) STRICT
                """)
        try db.execute(sql: "CREATE INDEX campaigns_by_merchant ON campaigns (merchant_id, created_at_us DESC, id DESC)")
        try db.execute(sql: "CREATE INDEX campaigns_by_time ON campaigns (created_at_us DESC, id DESC)")
    }
}
