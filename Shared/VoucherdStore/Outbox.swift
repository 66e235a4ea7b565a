public import Foundation
public import GRDB

/// The transactional outbox: events appended in the same transaction as the state change they
/// describe, shipped later by an ``OutboxRelay``.
public struct Outbox: Sendable {
    /// Creates an outbox accessor; the table comes from the store's own migrations.
    public init() {}

    /// Appends an event inside the caller's write transaction.
    ///
    /// The sequence is the producer's previous maximum plus one. That is gap-free because all
    /// writes go through the single writer connection, and a trigger plus
    /// UNIQUE(producer, sequence) refuse anything else.
    ///
    /// - Returns: The event's sequence.
    @discardableResult
    public func append(
        producer: String, type: String, payload: Data, now: Date = Date(), in db: Database
    ) throws -> UInt64 {
        let next = try lastSequence(producer: producer, in: db) + 1
        try db.cachedStatement(sql: """
                INSERT INTO store_outbox (producer, sequence, type, payload, created_at_us)
                VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [producer, Int64(next), type, payload, StoreTime.microseconds(now)])
        return next
    }

    /// The producer's highest sequence, 0 if it has no events.
    public func lastSequence(producer: String, in db: Database) throws -> UInt64 {
        let last = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT MAX(sequence) FROM store_outbox WHERE producer = ?"),
            arguments: [producer])
        return UInt64(max(0, last ?? 0))
    }

    /// Up to `limit` events of `producer` with a sequence greater than `sequence`, ascending.
    public func events(
        producer: String, after sequence: UInt64, limit: Int, in db: Database
    ) throws -> [OutboxEvent] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT sequence, type, payload, created_at_us FROM store_outbox
                WHERE producer = ? AND sequence > ? ORDER BY sequence LIMIT ?
                """,
            arguments: [producer, Int64(clamping: sequence), max(0, limit)])
        return Self.events(producer: producer, rows: rows)
    }

    /// Up to `limit` events of `producer` in the sequence range (`after`, `through`] whose type is
    /// one of `types` (any type when empty), ascending: what a consumer pulling only some types
    /// reads. The range bounds how many rows one call may examine, whatever the filter keeps.
    public func events(
        producer: String, after: UInt64, through: UInt64, types: Set<String>, limit: Int, in db: Database
    ) throws -> [OutboxEvent] {
        guard through > after else { return [] }
        var sql = """
            SELECT sequence, type, payload, created_at_us FROM store_outbox
            WHERE producer = ? AND sequence > ? AND sequence <= ?
            """
        var arguments: StatementArguments = [producer, Int64(clamping: after), Int64(clamping: through)]
        if !types.isEmpty {
            sql += " AND type IN (\(databaseQuestionMarks(count: types.count)))"
            arguments += StatementArguments(types.sorted())
        }
        sql += " ORDER BY sequence LIMIT ?"
        arguments += [max(0, limit)]
        return Self.events(producer: producer, rows: try Row.fetchAll(db, sql: sql, arguments: arguments))
    }

    private static func events(producer: String, rows: [Row]) -> [OutboxEvent] {
        rows.map { row in
            let sequence: Int64 = row["sequence"]
            let createdAt: Int64 = row["created_at_us"]
            return OutboxEvent(
                producer: producer,
                sequence: UInt64(max(0, sequence)),
                type: row["type"],
                payload: row["payload"],
                createdAt: StoreTime.date(microseconds: createdAt))
        }
    }
}
