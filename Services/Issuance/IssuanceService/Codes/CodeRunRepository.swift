import Foundation
import GRDB

/// Reads and writes `code_runs` rows: one GenerateCodes request per (principal, idempotency key).
enum CodeRunRepository {
    /// A generation run.
    struct Run: Sendable, Hashable {
        var principal: String
        var key: String
        var requestHash: Data
        var campaignID: String
        var total: Int64
        var generated: Int64

        var isDone: Bool { self.generated >= self.total }
    }

    /// The run of `principal` with `key`, or nil.
    static func fetch(principal: String, key: String, in db: Database) throws -> Run? {
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT request_hash, campaign_id, total, generated FROM code_runs
                WHERE principal = ? AND idempotency_key = ?
                """,
            arguments: [principal, key])
        else { return nil }
        return Run(
            principal: principal, key: key, requestHash: row["request_hash"], campaignID: row["campaign_id"],
            total: row["total"], generated: row["generated"])
    }

    /// The codes that unfinished runs of the campaign still have to store: inventory they hold.
    static func reserved(campaignID: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db, sql: "SELECT COALESCE(SUM(total - generated), 0) FROM code_runs WHERE campaign_id = ? AND generated < total",
            arguments: [campaignID]) ?? 0
    }

    /// Stores a new run with nothing generated yet.
    static func insert(_ run: Run, now: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO code_runs (principal, idempotency_key, request_hash, campaign_id, total, generated,
                    created_at_us, updated_at_us)
                VALUES (?, ?, ?, ?, ?, 0, ?, ?)
                """,
            arguments: [run.principal, run.key, run.requestHash, run.campaignID, run.total, now, now])
    }

    /// Counts `count` more codes stored by the run and its campaign.
    static func advance(_ run: Run, by count: Int64, now: Int64, in db: Database) throws {
        try db.execute(
            sql: "UPDATE code_runs SET generated = generated + ?, updated_at_us = ? WHERE principal = ? AND idempotency_key = ?",
            arguments: [count, now, run.principal, run.key])
        try db.execute(
            sql: "UPDATE campaigns SET codes_generated = codes_generated + ?, updated_at_us = ? WHERE id = ?",
            arguments: [count, now, run.campaignID])
    }
}
