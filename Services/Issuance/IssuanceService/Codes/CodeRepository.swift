import Foundation
import GRDB

/// Reads and writes `campaign_codes` rows on a connection the caller holds.
enum CodeRepository {
    /// A stored code and its campaign.
    struct Found: Sendable, Hashable {
        var code: String
        var campaignID: String
    }

    /// One code of an export page.
    struct Entry: Sendable, Hashable {
        /// The row's position, for the next page.
        var rowID: Int64
        var code: String
        var couponID: String?
        var couponState: String?
    }

    /// Stores codes, skipping any already stored (by this or any campaign).
    ///
    /// One statement for the whole chunk: the codes travel as one JSON array through
    /// `json_each`, so SQLite parses them without a bind per row, and they are sorted first so
    /// that the UNIQUE index is filled in order within the chunk.
    /// - Returns: how many were stored; the rest collided.
    static func insert(_ codes: [String], campaignID: String, in db: Database) throws -> Int {
        try db.execute(
            sql: "INSERT OR IGNORE INTO campaign_codes (campaign_id, code) SELECT ?, value FROM json_each(?)",
            arguments: [campaignID, Self.jsonArray(codes.sorted())])
        return db.changesCount
    }

    /// The stored codes among `candidates` (usually none or one).
    static func find(_ candidates: [String], in db: Database) throws -> [Found] {
        guard !candidates.isEmpty else { return [] }
        let marks = candidates.map { _ in "?" }.joined(separator: ", ")
        return try Row.fetchAll(
            db, sql: "SELECT code, campaign_id FROM campaign_codes WHERE code IN (\(marks))",
            arguments: StatementArguments(candidates)
        ).map { Found(code: $0["code"], campaignID: $0["campaign_id"]) }
    }

    /// A page of a campaign's codes in generation order, after row `after`, with the coupon
    /// each one became (if claimed).
    static func page(campaignID: String, after: Int64, limit: Int, in db: Database) throws -> [Entry] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT campaign_codes.rowid AS row_id, campaign_codes.code, coupons.id AS coupon_id, coupons.state
                FROM campaign_codes LEFT JOIN coupons ON coupons.code = campaign_codes.code
                WHERE campaign_codes.campaign_id = ? AND campaign_codes.rowid > ?
                ORDER BY campaign_codes.rowid LIMIT ?
                """,
            arguments: [campaignID, after, limit]
        ).map { Entry(rowID: $0["row_id"], code: $0["code"], couponID: $0["coupon_id"], couponState: $0["state"]) }
    }

    /// Canonical codes are capitals, digits and nothing to escape, so the array is plain text.
    private static func jsonArray(_ codes: [String]) -> String {
        var json = "["
        json.reserveCapacity(codes.count * ((codes.first?.utf8.count ?? 13) + 3) + 2)
        for (index, code) in codes.enumerated() {
            if index > 0 { json += "," }
            json += "\""
            json += code
            json += "\""
        }
        json += "]"
        return json
    }
}
