import GRDB

/// Reads and advances the rows of `feed_positions`.
enum FeedPositionRepository {
    /// The last sequence of `source` handled, 0 before the first.
    static func position(of source: String, in db: Database) throws -> UInt64 {
        let value = try Int64.fetchOne(db, sql: "SELECT sequence FROM feed_positions WHERE source = ?", arguments: [source])
        return UInt64(max(0, value ?? 0))
    }

    /// Moves `source`'s position to `sequence`, never backwards: a late write from a slower
    /// pass (or a second feed on the same store) must not make the feed re-read what it handled.
    static func advance(_ source: String, to sequence: UInt64, now micros: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO feed_positions (source, sequence, updated_at_us) VALUES (?, ?, ?)
                ON CONFLICT (source) DO UPDATE SET sequence = excluded.sequence, updated_at_us = excluded.updated_at_us
                WHERE excluded.sequence > sequence
                """,
            arguments: [source, Int64(clamping: sequence), micros])
    }
}
