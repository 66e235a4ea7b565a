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

    /// The campaign's number, which its codes carry instead of its id (see `v9CodeNumbers`);
    /// numbered on first use.
    static func number(of campaignID: String, in db: Database) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO code_campaigns (campaign_id) VALUES (?)")
            .execute(arguments: [campaignID])
        guard let number = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT number FROM code_campaigns WHERE campaign_id = ?"), arguments: [campaignID])
        else { throw IssuanceError.internalError }
        return number
    }

    /// Stores the first `limit` codes of `chunk` for campaign `number`, skipping any already
    /// stored (by this or any campaign).
    ///
    /// One statement for the whole chunk: the codes travel as one JSON array through
    /// `json_each`, so SQLite parses them without a bind or a statement step per row.
    /// - Returns: how many were stored; the rest collided.
    static func insert(_ chunk: CodeChunk, limit: Int, campaign number: Int64, in db: Database) throws -> Int {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO campaign_codes (code, campaign_number) SELECT value, ? FROM json_each(?) LIMIT ?"
        ).execute(arguments: [number, chunk.json, limit])
        return db.changesCount
    }

    /// The stored codes among `candidates` (usually none or one).
    static func find(_ candidates: [String], in db: Database) throws -> [Found] {
        guard !candidates.isEmpty else { return [] }
        let marks = candidates.map { _ in "?" }.joined(separator: ", ")
        return try Row.fetchAll(
            db,
            sql: """
                SELECT campaign_codes.code, code_campaigns.campaign_id
                FROM campaign_codes JOIN code_campaigns ON code_campaigns.number = campaign_codes.campaign_number
                WHERE campaign_codes.code IN (\(marks))
                """,
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
                WHERE campaign_codes.campaign_number = (SELECT number FROM code_campaigns WHERE campaign_id = ?)
                    AND campaign_codes.rowid > ?
                ORDER BY campaign_codes.rowid LIMIT ?
                """,
            arguments: [campaignID, after, limit]
        ).map { Entry(rowID: $0["row_id"], code: $0["code"], couponID: $0["coupon_id"], couponState: $0["state"]) }
    }
}
