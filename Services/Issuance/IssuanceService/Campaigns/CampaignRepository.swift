import Foundation
import GRDB
import SwiftProtobuf
import VoucherdModel

/// Reads and writes `campaigns` rows on a connection the caller holds (a reader, or the
/// group-commit writer's savepoint).
enum CampaignRepository {
    /// The campaign, or nil.
    static func fetch(_ id: String, in db: Database) throws -> CampaignRecord? {
        let statement = try db.cachedStatement(sql: "SELECT * FROM campaigns WHERE id = ?")
        return try Row.fetchOne(statement, arguments: [id]).map(CampaignRecord.init(row:))
    }

    /// The campaign, or NOT_FOUND.
    static func require(_ id: String, in db: Database) throws -> CampaignRecord {
        guard let record = try fetch(id, in: db) else { throw IssuanceError.notFound("No campaign '\(id)'.") }
        return record
    }

    /// Stores a new campaign.
    static func insert(_ record: CampaignRecord, in db: Database) throws {
        let codeFormat: Data = try record.codeFormat.serializedBytes()
        let benefit: Data = try record.benefit.serializedBytes()
        let rules: Data = try record.storedRules.serializedBytes()
        try db.execute(
            sql: """
                INSERT INTO campaigns (id, merchant_id, name, description, status, distribution, code_binding,
                    code_format, benefit, rules, time_zone, claim_start_us, claim_end_us, inventory, issued,
                    budget_currency, budget_minor, budget_used_minor, transferable, created_at_us, updated_at_us)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?, ?, ?)
                """,
            arguments: [
                record.id, record.merchantID, record.name, record.description, record.status.rawValue,
                CampaignRecord.name(of: record.distribution), record.codeBinding.rawValue,
                codeFormat, benefit, rules, record.timeZone, record.storedRules.claimStartMicros,
                record.claimEndMicros, record.inventory, record.budget?.currency.code, record.budget?.minorUnits,
                record.storedRules.transferable, record.createdAtMicros, record.updatedAtMicros,
            ])
    }

    /// Writes the fields UpdateCampaign and the transitions may change.
    static func updateEditable(_ record: CampaignRecord, in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE campaigns SET name = ?, description = ?, status = ?, claim_end_us = ?, inventory = ?,
                    budget_currency = ?, budget_minor = ?, updated_at_us = ?
                WHERE id = ?
                """,
            arguments: [
                record.name, record.description, record.status.rawValue, record.claimEndMicros, record.inventory,
                record.budget?.currency.code, record.budget?.minorUnits, record.updatedAtMicros, record.id,
            ])
    }

    /// Counts `count` more coupons issued and `faceValue` more budget used; the table's CHECKs
    /// refuse going past the inventory or the budget.
    static func recordIssued(_ id: String, count: Int64, faceValue: Int64, now: Int64, in db: Database) throws {
        try db.cachedStatement(sql: """
                UPDATE campaigns SET issued = issued + ?, budget_used_minor = budget_used_minor + ?, updated_at_us = ?
                WHERE id = ?
                """).execute(arguments: [count, faceValue, now, id])
    }

    /// A page of campaigns, newest first.
    static func list(
        merchantID: String?, status: CampaignStatus?, after token: PageToken?, limit: Int, in db: Database
    ) throws -> [CampaignRecord] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let merchantID {
            conditions.append("merchant_id = ?")
            arguments += [merchantID]
        }
        if let status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        if let token {
            conditions.append("(created_at_us < ? OR (created_at_us = ? AND id < ?))")
            arguments += [token.micros, token.micros, token.id]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [limit]
        return try Row.fetchAll(
            db, sql: "SELECT * FROM campaigns \(filter) ORDER BY created_at_us DESC, id DESC LIMIT ?",
            arguments: arguments
        ).map(CampaignRecord.init(row:))
    }
}

extension CampaignRepository {
    /// Counts coupons redeemed (or, with a negative delta, reversed).
    static func recordRedeemed(_ id: String, delta: Int64, now: Int64, in db: Database) throws {
        try db.execute(
            sql: "UPDATE campaigns SET redeemed = redeemed + ?, updated_at_us = ? WHERE id = ?", arguments: [delta, now, id])
    }
}
