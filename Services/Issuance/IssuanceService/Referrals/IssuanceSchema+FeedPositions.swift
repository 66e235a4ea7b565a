import GRDB

extension IssuanceSchema {
    /// Positions in other services' outboxes that issuance pulls from (identity's referral reward
    /// commands): the last sequence of `source` fully handled, so a restart resumes after it.
    static func v8FeedPositions(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE feed_positions (
                    source TEXT PRIMARY KEY NOT NULL CHECK (length(source) > 0),
                    sequence INTEGER NOT NULL CHECK (sequence >= 0),
                    updated_at_us INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID
                """)
    }
}
