import GRDB

/// Per-consumer claim counters of a campaign (`claim_counters`): the total, and the count of
/// the last calendar day with a claim, which is all a daily limit needs.
enum ClaimCounterRepository {
    /// A consumer's counts.
    struct Counts: Sendable, Hashable {
        var total: Int
        var today: Int
    }

    /// The consumer's counts of the campaign, with `today` counted on `day` only.
    static func counts(campaignID: String, consumerID: String, day: String, in db: Database) throws -> Counts {
        let statement = try db.cachedStatement(
            sql: "SELECT total, day, day_count FROM claim_counters WHERE campaign_id = ? AND consumer_id = ?")
        guard let row = try Row.fetchOne(statement,
            arguments: [campaignID, consumerID])
        else { return Counts(total: 0, today: 0) }
        let lastDay: String = row["day"]
        return Counts(total: row["total"], today: lastDay == day ? row["day_count"] : 0)
    }

    /// Up to `limit` consumers with a counter row for the campaign: everyone ever issued one of
    /// its coupons, since rows are never deleted.
    static func consumers(campaignID: String, limit: Int, in db: Database) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT consumer_id FROM claim_counters WHERE campaign_id = ? LIMIT ?",
            arguments: [campaignID, limit])
    }

    /// Counts one more coupon for the consumer on `day`.
    static func increment(campaignID: String, consumerID: String, day: String, in db: Database) throws {
        try db.cachedStatement(sql: """
                INSERT INTO claim_counters (campaign_id, consumer_id, total, day, day_count) VALUES (?, ?, 1, ?, 1)
                ON CONFLICT (campaign_id, consumer_id) DO UPDATE SET
                    total = total + 1,
                    day_count = CASE WHEN day = excluded.day THEN day_count + 1 ELSE 1 END,
                    day = excluded.day
                """).execute(arguments: [campaignID, consumerID, day])
    }
}
