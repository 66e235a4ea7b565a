import GRDB

extension IssuanceSchema {
    /// Codes carry their campaign as a small integer instead of its 36-character id.
    ///
    /// v5 stored the id in every `campaign_codes` row and again in the campaign index, so a
    /// million codes took 129 MiB and every chunk wrote the id twice per code to the WAL and
    /// back. `code_campaigns` numbers each campaign that has codes (on its first GenerateCodes
    /// run); rows and index hold the number, and a million codes take 55 MiB. The code stays
    /// UNIQUE across every campaign, and rowids are kept, so exports keep their generation order.
    ///
    /// A WITHOUT ROWID table keyed by code would store each code once instead of twice (about a
    /// quarter less space and 10% less time in a SQLite-only trial), but its export order would
    /// be code order: a merchant could no longer print only the codes of its latest run, which
    /// come last in rowid order. See Benchmarks/README.md.
    static func v9CodeNumbers(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE code_campaigns (
                    number INTEGER PRIMARY KEY,
                    campaign_id TEXT NOT NULL UNIQUE REFERENCES campaigns (id)
                ) STRICT
                """)
        // Campaigns with an unfinished run but no code yet need their number as much.
        try db.execute(
            sql: """
                INSERT INTO code_campaigns (campaign_id)
                SELECT campaign_id FROM campaign_codes UNION SELECT campaign_id FROM code_runs
                """)
        try db.execute(
            sql: """
                CREATE TABLE campaign_codes_v9 (
                    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 9 AND 49),
                    campaign_number INTEGER NOT NULL REFERENCES code_campaigns (number)
                ) STRICT
                """)
        try db.execute(
            sql: """
                INSERT INTO campaign_codes_v9 (rowid, code, campaign_number)
                SELECT campaign_codes.rowid, campaign_codes.code, code_campaigns.number
                FROM campaign_codes JOIN code_campaigns ON code_campaigns.campaign_id = campaign_codes.campaign_id
                ORDER BY campaign_codes.rowid
                """)
        try db.execute(sql: "DROP TABLE campaign_codes")
        try db.execute(sql: "ALTER TABLE campaign_codes_v9 RENAME TO campaign_codes")
        try db.execute(sql: "CREATE INDEX campaign_codes_by_campaign ON campaign_codes (campaign_number)")
    }
}
