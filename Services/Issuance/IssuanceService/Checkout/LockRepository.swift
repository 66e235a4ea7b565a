import GRDB

/// Reads and writes `coupon_locks` rows.
enum LockRepository {
    /// Every lock of a redemption, by coupon id.
    static func locks(of redemptionID: String, in db: Database) throws -> [LockRecord] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM coupon_locks WHERE redemption_id = ? ORDER BY coupon_id", arguments: [redemptionID]
        ).map(Self.record(from:))
    }

    /// Locks still open whose time is up, oldest first.
    static func expired(now: Int64, limit: Int, in db: Database) throws -> [LockRecord] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM coupon_locks WHERE state = 'locked' AND expires_at_us <= ? ORDER BY expires_at_us LIMIT ?",
            arguments: [now, limit]
        ).map(Self.record(from:))
    }

    /// Stores a new open lock; the partial unique index refuses a second open lock on a coupon.
    static func insert(_ lock: LockRecord, now: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO coupon_locks (redemption_id, coupon_id, consumer_id, state, amount_minor, spent_minor,
                    expires_at_us, updated_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                lock.redemptionID, lock.couponID, lock.consumerID, lock.state.rawValue, lock.amountMinor,
                lock.spentMinor, lock.expiresAtMicros, now,
            ])
    }

    /// Moves a lock from `from` to `to` only if it is still in `from`.
    /// - Returns: whether it moved.
    static func move(_ lock: LockRecord, from: LockRecord.State, to: LockRecord.State, spent: Int64?, now: Int64, in db: Database) throws -> Bool {
        try db.execute(
            sql: """
                UPDATE coupon_locks SET state = ?, spent_minor = COALESCE(?, spent_minor), updated_at_us = ?
                WHERE redemption_id = ? AND coupon_id = ? AND state = ?
                """,
            arguments: [to.rawValue, spent, now, lock.redemptionID, lock.couponID, from.rawValue])
        return db.changesCount == 1
    }

    private static func record(from row: Row) throws -> LockRecord {
        guard let state = LockRecord.State(rawValue: row["state"]) else { throw IssuanceError.internalError }
        return LockRecord(
            redemptionID: row["redemption_id"], couponID: row["coupon_id"], consumerID: row["consumer_id"], state: state,
            amountMinor: row["amount_minor"], spentMinor: row["spent_minor"], expiresAtMicros: row["expires_at_us"])
    }
}
