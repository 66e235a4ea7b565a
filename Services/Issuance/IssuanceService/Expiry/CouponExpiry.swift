import Foundation
import GRDB
import SwiftProtobuf
import VoucherdModel
import VoucherdStore

/// The writes of the expiry sweepers, one batch at a time on the writer's connection.
struct CouponExpiry: Sendable {
    /// The outbox type of the command asking identity to accrue points.
    static let accrueCommandType = "identity.accrue_points"

    let recorder: ChangeRecorder

    /// Expires up to `limit` issued coupons whose validity ended at or before `now`; a stored
    /// value whose benefit says `expired_balance_to_points` also commands identity to accrue
    /// its balance as points (1 point per major unit) through the outbox.
    /// - Returns: how many coupons expired.
    func expireBatch(now: Date, limit: Int, in db: Database) throws -> Int {
        let due = try Row.fetchAll(
            db,
            sql: "SELECT * FROM coupons WHERE state = 'issued' AND valid_until_us <= ? ORDER BY valid_until_us, id LIMIT ?",
            arguments: [now.micros, limit]
        ).map(CouponRecord.init(row:))
        var expired = 0
        for coupon in due {
            // Compare-and-set: a lock taken since the select keeps its coupon.
            try db.execute(
                sql: "UPDATE coupons SET state = 'expired', updated_at_us = ? WHERE id = ? AND state = 'issued'",
                arguments: [now.micros, coupon.id])
            guard db.changesCount == 1 else { continue }
            expired += 1
            var attributes = ["campaign_id": coupon.campaignID, "merchant_id": coupon.merchantID, "origin": coupon.origin.rawValue]
            if let balance = coupon.balance {
                attributes["balance_minor"] = String(balance.minorUnits)
                attributes["balance_currency"] = balance.currency.code
                let points = Self.points(for: balance)
                if case .storedValue(let value) = coupon.benefit.kind, value.expiredBalanceToPoints, points > 0,
                    let consumerID = coupon.consumerID
                {
                    attributes["points_recycled"] = String(points)
                    try self.commandAccrual(coupon: coupon.id, consumerID: consumerID, points: points, now: now, in: db)
                }
            }
            try self.recorder.record("issuance.coupon.expired", subject: coupon.id, actor: "system", attributes: attributes, now: now, in: db)
        }
        return expired
    }

    /// Reminds of up to `limit` issued coupons ending within `(now, now + lead]` that were not
    /// reminded of before, and remembers them.
    /// - Returns: how many reminders went out.
    func remindBatch(now: Date, lead: TimeInterval, limit: Int, in db: Database) throws -> Int {
        let horizon = now.addingTimeInterval(lead).micros
        let due = try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM coupons WHERE state = 'issued' AND valid_until_us > ? AND valid_until_us <= ?
                AND consumer_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM coupon_reminders r WHERE r.coupon_id = coupons.id)
                ORDER BY valid_until_us, id LIMIT ?
                """,
            arguments: [now.micros, horizon, limit]
        ).map(CouponRecord.init(row:))
        for coupon in due {
            try db.execute(
                sql: "INSERT INTO coupon_reminders (coupon_id, valid_until_us, reminded_at_us) VALUES (?, ?, ?)",
                arguments: [coupon.id, coupon.validUntilMicros, now.micros])
            // No holder in the event (no personal data): the notifier looks the coupon up.
            try self.recorder.record(
                "issuance.coupon.expiring", subject: coupon.id, actor: "system",
                attributes: [
                    "campaign_id": coupon.campaignID, "merchant_id": coupon.merchantID,
                    "valid_until_micros": String(coupon.validUntilMicros),
                ],
                now: now, in: db)
        }
        return due.count
    }

    /// Whole major units of the balance: identity's rate is 1 point per yuan (or dollar...).
    static func points(for balance: Money) -> Int64 {
        var divisor: Int64 = 1
        for _ in 0..<balance.currency.minorUnitDigits { divisor *= 10 }
        return balance.minorUnits / divisor
    }

    /// The idempotency key identity's AccruePoints gets for a coupon's recycled balance: one
    /// per coupon, so a relay that delivers the command twice accrues once.
    static func accrualKey(coupon: String) -> String { "issuance:expiry:\(coupon):accrue" }

    /// Appends the accrual command: a `Voucherd_V1_DomainEvent` of type
    /// `identity.accrue_points` whose attributes are AccruePointsRequest's fields
    /// (`consumer_id`, `points`, `reason`, `reference`, `idempotency_key`). It is not an
    /// analytics event and not audited; the `issuance.coupon.expired` event records the change.
    private func commandAccrual(coupon: String, consumerID: String, points: Int64, now: Date, in db: Database) throws {
        var command = Voucherd_V1_DomainEvent()
        command.type = Self.accrueCommandType
        command.subjectID = coupon
        command.actor = "system"
        command.occurredAtMicros = now.micros
        command.attributes = [
            "consumer_id": consumerID, "points": String(points), "reason": "expired balance",
            "reference": coupon, "idempotency_key": Self.accrualKey(coupon: coupon),
        ]
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let payload: Data = try command.serializedBytes(options: options)
        try self.recorder.environment.outbox.append(
            producer: IssuanceEnvironment.producer, type: Self.accrueCommandType, payload: payload, now: now, in: db)
    }
}
