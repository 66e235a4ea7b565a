import Crypto
import Foundation
import GRDB
import SwiftProtobuf
import VoucherdModel
import VoucherdStore

// Accrue, spend and refund: each idempotent by key, its record committed with the change.
extension ConsumersModule {
    func accruePoints(_ request: Voucherd_V1_AccruePointsRequest, by principal: Principal) async throws
        -> Voucherd_V1_PointsResult
    {
        try ConsumerInput.consumerID(request.consumerID)
        try ConsumerInput.points(request.points)
        let spendMinorUnits = try validatedSpend(request)
        try ConsumerInput.text(request.reason, field: "reason", maximum: 200)
        try ConsumerInput.text(request.reference, field: "reference", maximum: 200)
        try ConsumerInput.idempotencyKey(request.idempotencyKey)
        let members = self.members
        return try await idempotent(
            request, method: "AccruePoints", key: request.idempotencyKey, principal: principal
        ) { db, micros in
            let consumer = try ConsumerRecord.fetchLive(id: request.consumerID, in: db)
            let accrual: PointsLedgerRules.Accrual
            do throws(PointsLedgerRules.Violation) {
                accrual = try PointsLedgerRules.accrue(
                    balance: consumer.balance, lifetimePoints: consumer.lifetimePoints,
                    lifetimeSpendMinorUnits: consumer.lifetimeSpendMinorUnits, points: request.points,
                    spendMinorUnits: spendMinorUnits)
            } catch { throw ConsumerError(error) }
            let upgrade = members.evaluate(
                current: consumer.tier, lifetimeSpendMinorUnits: accrual.lifetimeSpendMinorUnits,
                lifetimePoints: accrual.lifetimePoints)
            let tier = upgrade?.tier ?? consumer.tier
            try db.execute(
                sql: """
                    UPDATE consumer SET balance = ?, lifetime_points = ?, lifetime_spend_minor = ?, tier = ?
                    WHERE id = ?
                    """,
                arguments: [
                    accrual.balance, accrual.lifetimePoints, accrual.lifetimeSpendMinorUnits, tier.rawValue, consumer.id,
                ])
            let entry = try insertEntry(
                consumer: consumer, kind: .accrual, points: request.points, balanceAfter: accrual.balance,
                reason: request.reason, reference: request.reference, refunded: nil, at: micros, in: db)
            try recordChange(
                "identity.points.accrued", subject: consumer.id, actor: principal.subject,
                attributes: ["points": "\(request.points)", "spend_minor": "\(spendMinorUnits)", "tier": tier.rawValue],
                auditDetails: ["entry_id": entry.entryID], at: micros, in: db)
            if let upgrade {
                try db.execute(
                    sql: """
                        INSERT INTO consumer_tier_change (consumer_id, from_tier, to_tier, reason, changed_at_us)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [consumer.id, consumer.tier.rawValue, upgrade.tier.rawValue, upgrade.reason, micros])
                try recordChange(
                    "identity.member.tier_changed", subject: consumer.id, actor: principal.subject,
                    attributes: ["from_tier": consumer.tier.rawValue, "to_tier": upgrade.tier.rawValue, "rule": upgrade.reason],
                    at: micros, in: db)
            }
            return Self.result(entry: entry, balance: accrual.balance, tier: tier, changed: upgrade != nil)
        }
    }

    func spendPoints(_ request: Voucherd_V1_SpendPointsRequest, by principal: Principal) async throws
        -> Voucherd_V1_PointsResult
    {
        try ConsumerInput.consumerID(request.consumerID)
        try ConsumerInput.points(request.points)
        try ConsumerInput.text(request.reason, field: "reason", maximum: 200)
        try ConsumerInput.text(request.reference, field: "reference", maximum: 200)
        try ConsumerInput.idempotencyKey(request.idempotencyKey)
        return try await idempotent(
            request, method: "SpendPoints", key: request.idempotencyKey, principal: principal
        ) { db, micros in
            let consumer = try ConsumerRecord.fetchLive(id: request.consumerID, in: db)
            let balance: Int64
            do throws(PointsLedgerRules.Violation) { balance = try PointsLedgerRules.spend(balance: consumer.balance, points: request.points) } catch {
                throw ConsumerError(error)
            }
            try db.execute(sql: "UPDATE consumer SET balance = ? WHERE id = ?", arguments: [balance, consumer.id])
            let entry = try insertEntry(
                consumer: consumer, kind: .spend, points: -request.points, balanceAfter: balance,
                reason: request.reason, reference: request.reference, refunded: nil, at: micros, in: db)
            try recordChange(
                "identity.points.spent", subject: consumer.id, actor: principal.subject,
                attributes: ["points": "\(request.points)"], auditDetails: ["entry_id": entry.entryID],
                at: micros, in: db)
            return Self.result(entry: entry, balance: balance, tier: consumer.tier, changed: false)
        }
    }

    func refundPoints(_ request: Voucherd_V1_RefundPointsRequest, by principal: Principal) async throws
        -> Voucherd_V1_PointsResult
    {
        try ConsumerInput.consumerID(request.consumerID)
        guard request.spendEntryID.hasPrefix("pte_"), request.spendEntryID.count <= 64 else {
            throw ConsumerError.invalidArgument(
                field: "spend_entry_id", problem: request.spendEntryID.isEmpty ? "required" : "must be a points entry id ('pte_…')")
        }
        try ConsumerInput.points(request.points)
        try ConsumerInput.text(request.reason, field: "reason", maximum: 200)
        try ConsumerInput.idempotencyKey(request.idempotencyKey)
        return try await idempotent(
            request, method: "RefundPoints", key: request.idempotencyKey, principal: principal
        ) { db, micros in
            let consumer = try ConsumerRecord.fetchLive(id: request.consumerID, in: db)
            guard let spend = try Row.fetchOne(
                db, sql: "SELECT kind, points, reference FROM points_entry WHERE id = ? AND ledger_account = ?",
                arguments: [request.spendEntryID, consumer.ledgerAccount])
            else { throw ConsumerError.entryNotFound(request.spendEntryID) }
            guard (spend["kind"] as String) == "spend" else {
                throw ConsumerError.invalidArgument(field: "spend_entry_id", problem: "is not a spend entry")
            }
            let spent = -(spend["points"] as Int64)
            let refunded = try Int64.fetchOne(
                db, sql: "SELECT COALESCE(SUM(points), 0) FROM points_entry WHERE refunded_entry_id = ?",
                arguments: [request.spendEntryID]) ?? 0
            let balance: Int64
            do throws(PointsLedgerRules.Violation) {
                balance = try PointsLedgerRules.refund(
                    balance: consumer.balance, spent: spent, refunded: refunded, points: request.points)
            } catch { throw ConsumerError(error, entryID: request.spendEntryID) }
            try db.execute(sql: "UPDATE consumer SET balance = ? WHERE id = ?", arguments: [balance, consumer.id])
            let entry = try insertEntry(
                consumer: consumer, kind: .refund, points: request.points, balanceAfter: balance,
                reason: request.reason, reference: spend["reference"], refunded: request.spendEntryID, at: micros, in: db)
            try recordChange(
                "identity.points.refunded", subject: consumer.id, actor: principal.subject,
                attributes: ["points": "\(request.points)"],
                auditDetails: ["entry_id": entry.entryID, "spend_entry_id": request.spendEntryID], at: micros, in: db)
            return Self.result(entry: entry, balance: balance, tier: consumer.tier, changed: false)
        }
    }

    /// The spend reported with an accrual, in minor units of the policy's currency (0 if none).
    private func validatedSpend(_ request: Voucherd_V1_AccruePointsRequest) throws(ConsumerError) -> Int64 {
        guard request.hasSpend else { return 0 }
        guard request.spend.currency == members.currency else {
            throw .invalidArgument(field: "spend.currency", problem: "must be \(members.currency)")
        }
        guard request.spend.minorUnits >= 0 else {
            throw .invalidArgument(field: "spend.minor_units", problem: "must not be negative")
        }
        return request.spend.minorUnits
    }

    /// Runs `body` at most once per (principal, method, key) in one write transaction with its
    /// idempotency record; a retry gets the stored bytes back, so the same answer byte for byte.
    private func idempotent<Request: SwiftProtobuf.Message>(
        _ request: Request, method: String, key: String, principal: Principal,
        _ body: @escaping @Sendable (Database, Int64) throws -> Voucherd_V1_PointsResult
    ) async throws -> Voucherd_V1_PointsResult {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let hash = Data(SHA256.hash(data: try request.serializedBytes(options: options) as Data))
        let now = environment.now()
        let micros = Self.micros(now)
        let idempotency = environment.idempotency
        let caller = "\(principal.role.rawValue):\(principal.subject)"
        let bytes: Data
        do {
            bytes = try await environment.writer.write { db in
                try idempotency.execute(
                    principal: caller, method: "/voucherd.v1.Identity/\(method)", key: key, requestHash: hash,
                    now: now, in: db
                ) { db in
                    try body(db, micros).serializedBytes()
                }
            }
        } catch is IdempotencyError {
            throw ConsumerError.idempotencyKeyReused(key)
        }
        return try Voucherd_V1_PointsResult(serializedBytes: bytes)
    }

    private func insertEntry(
        consumer: ConsumerRecord, kind: Voucherd_V1_PointsEntryKind, points: Int64, balanceAfter: Int64,
        reason: String, reference: String, refunded: String?, at micros: Int64, in db: Database
    ) throws -> Voucherd_V1_PointsEntry {
        var entry = Voucherd_V1_PointsEntry()
        entry.entryID = ConsumerIdentifiers.make(prefix: "pte_")
        entry.consumerID = consumer.id
        entry.kind = kind
        entry.points = points
        entry.balanceAfter = balanceAfter
        entry.reason = reason
        entry.reference = reference
        entry.refundedEntryID = refunded ?? ""
        entry.createdAtMicros = micros
        try db.execute(
            sql: """
                INSERT INTO points_entry (id, consumer_id, ledger_account, kind, points, balance_after, reason,
                    reference, refunded_entry_id, created_at_us)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                entry.entryID, consumer.id, consumer.ledgerAccount, PointsEntryRow.kindName(kind), points,
                balanceAfter, reason, reference, refunded, micros,
            ])
        return entry
    }

    private static func result(
        entry: Voucherd_V1_PointsEntry, balance: Int64, tier: MemberTier, changed: Bool
    ) -> Voucherd_V1_PointsResult {
        var result = Voucherd_V1_PointsResult()
        result.entry = entry
        result.balance = balance
        result.tier = tier.rawValue
        result.tierChanged = changed
        return result
    }
}
