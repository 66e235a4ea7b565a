import Foundation
import GRDB
import SwiftProtobuf
import VoucherdModel

/// Reads and writes `coupons` rows on a connection the caller holds.
enum CouponRepository {
    /// The coupon, or nil.
    static func fetch(_ id: String, in db: Database) throws -> CouponRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM coupons WHERE id = ?", arguments: [id]).map(CouponRecord.init(row:))
    }

    /// Stores a new coupon.
    static func insert(_ coupon: CouponRecord, in db: Database) throws {
        let benefit: Data = try coupon.benefit.serializedBytes()
        try db.cachedStatement(sql: """
                INSERT INTO coupons (id, campaign_id, merchant_id, consumer_id, state, variant, benefit, valid_from_us,
                    valid_until_us, balance_currency, balance_minor, code, origin, transferred_from, face_value_minor,
                    issued_at_us, updated_at_us)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                coupon.id, coupon.campaignID, coupon.merchantID, coupon.consumerID, coupon.state.rawValue, coupon.variant,
                benefit, coupon.validFromMicros, coupon.validUntilMicros, coupon.balance?.currency.code,
                coupon.balance?.minorUnits, coupon.code, coupon.origin.rawValue, coupon.transferredFrom,
                coupon.faceValueMinor, coupon.issuedAtMicros, coupon.updatedAtMicros,
            ])
    }

    /// Moves a coupon from one state to another only if it is still in `from` and held by
    /// `holder`: the compare-and-set that makes concurrent transfers (and spends) race safely.
    /// - Returns: whether the row changed.
    static func changeState(
        _ id: String, holder: String?, from: CouponState, to: CouponState, now: Int64, in db: Database
    ) throws -> Bool {
        // `IS` rather than `=`: a bearer coupon's holder is NULL, and must match a nil holder.
        try db.execute(
            sql: "UPDATE coupons SET state = ?, updated_at_us = ? WHERE id = ? AND consumer_id IS ? AND state = ?",
            arguments: [to.rawValue, now, id, holder, from.rawValue])
        return db.changesCount == 1
    }

    /// Takes `amount` off a usable stored-value balance, only if at least that much is left.
    /// - Returns: whether the row changed.
    static func debit(_ id: String, holder: String?, amount: Int64, now: Int64, in db: Database) throws -> Bool {
        try db.execute(
            sql: """
                UPDATE coupons SET balance_minor = balance_minor - ?, updated_at_us = ?
                WHERE id = ? AND consumer_id IS ? AND state = 'issued' AND balance_minor >= ?
                """,
            arguments: [amount, now, id, holder, amount])
        return db.changesCount == 1
    }

    /// What a wallet query selects.
    struct WalletFilter: Sendable {
        var consumerID: String
        var states: [CouponState]
        var merchantID: String?
        var expiringBeforeMicros: Int64?
    }

    /// A page of a consumer's coupons, newest first.
    static func wallet(_ filter: WalletFilter, after token: PageToken?, limit: Int, in db: Database) throws -> [CouponRecord] {
        var conditions = ["consumer_id = ?"]
        var arguments: StatementArguments = [filter.consumerID]
        if !filter.states.isEmpty {
            conditions.append("state IN (\(filter.states.map { _ in "?" }.joined(separator: ", ")))")
            arguments += StatementArguments(filter.states.map(\.rawValue))
        }
        if let merchantID = filter.merchantID {
            conditions.append("merchant_id = ?")
            arguments += [merchantID]
        }
        if let before = filter.expiringBeforeMicros {
            conditions.append("valid_until_us < ?")
            arguments += [before]
        }
        if let token {
            conditions.append("(issued_at_us < ? OR (issued_at_us = ? AND id < ?))")
            arguments += [token.micros, token.micros, token.id]
        }
        arguments += [limit]
        return try Row.fetchAll(
            db,
            sql: "SELECT * FROM coupons WHERE \(conditions.joined(separator: " AND ")) ORDER BY issued_at_us DESC, id DESC LIMIT ?",
            arguments: arguments
        ).map(CouponRecord.init(row:))
    }
}

extension CouponRepository {
    /// Gives `amount` back to a stored-value balance (a released hold, a reversed spend).
    static func credit(_ id: String, amount: Int64, now: Int64, in db: Database) throws {
        try db.execute(
            sql: "UPDATE coupons SET balance_minor = balance_minor + ?, updated_at_us = ? WHERE id = ? AND balance_minor IS NOT NULL",
            arguments: [amount, now, id])
    }
}
