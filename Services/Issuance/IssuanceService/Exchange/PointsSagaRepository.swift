import Foundation
import GRDB

/// Reads and writes `points_sagas` rows on a connection the caller holds.
enum PointsSagaRepository {
    /// The saga of a request, or nil.
    static func fetch(principal: String, key: String, in db: Database) throws -> PointsSagaRecord? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM points_sagas WHERE principal = ? AND idempotency_key = ?", arguments: [principal, key]
        ).map(PointsSagaRecord.init(row:))
    }

    /// The saga, or nil.
    static func fetch(_ id: String, in db: Database) throws -> PointsSagaRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM points_sagas WHERE id = ?", arguments: [id]).map(PointsSagaRecord.init(row:))
    }

    /// Records a new saga unless one exists for its principal and key; either way returns the
    /// stored one, so two racing first attempts share a saga.
    static func start(_ saga: PointsSagaRecord, in db: Database) throws -> PointsSagaRecord {
        try db.execute(
            sql: """
                INSERT INTO points_sagas (id, principal, idempotency_key, request_hash, campaign_id, consumer_id, claimant,
                    tier, points, state, created_at_us, updated_at_us)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (principal, idempotency_key) DO NOTHING
                """,
            arguments: [
                saga.id, saga.principal, saga.idempotencyKey, saga.requestHash, saga.campaignID, saga.consumerID,
                saga.claimant, saga.tier, saga.points, PointsSagaState.started.rawValue, saga.createdAtMicros,
                saga.updatedAtMicros,
            ])
        guard let stored = try fetch(principal: saga.principal, key: saga.idempotencyKey, in: db) else {
            throw IssuanceError.internalError
        }
        return stored
    }

    /// What a step changes besides the state.
    struct Step: Sendable {
        var spendEntryID: String?
        var couponID: String?
        var response: Data?
        var failure: PointsSagaFailure?
    }

    /// Moves the saga from `from` to `to` only if it is still in `from` (the compare-and-set
    /// that lets a request and a resumer drive the same saga safely), then returns the row as
    /// it is now, whoever moved it.
    static func advance(
        _ id: String, from: PointsSagaState, to: PointsSagaState, step: Step = Step(), now: Int64, in db: Database
    ) throws -> PointsSagaRecord {
        try db.execute(
            sql: """
                UPDATE points_sagas SET state = ?, updated_at_us = ?,
                    spend_entry_id = COALESCE(?, spend_entry_id), coupon_id = COALESCE(?, coupon_id),
                    response = COALESCE(?, response), failure_code = COALESCE(?, failure_code),
                    failure_message = COALESCE(?, failure_message)
                WHERE id = ? AND state = ?
                """,
            arguments: [
                to.rawValue, now, step.spendEntryID, step.couponID, step.response, step.failure?.code,
                step.failure?.message, id, from.rawValue,
            ])
        guard let stored = try fetch(id, in: db) else { throw IssuanceError.internalError }
        return stored
    }

    /// Up to `limit` unfinished sagas last changed at or before `before`, oldest first.
    static func open(before: Int64, limit: Int, in db: Database) throws -> [PointsSagaRecord] {
        let states = PointsSagaState.open.map(\.rawValue)
        return try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM points_sagas WHERE state IN (\(states.map { _ in "?" }.joined(separator: ", ")))
                AND updated_at_us <= ? ORDER BY updated_at_us, id LIMIT ?
                """,
            arguments: StatementArguments(states) + [before, limit]
        ).map(PointsSagaRecord.init(row:))
    }
}
