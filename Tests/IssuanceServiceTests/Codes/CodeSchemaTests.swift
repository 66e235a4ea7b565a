import Foundation
import GRDB
@testable import IssuanceService
import Logging
import Testing
import VoucherdStore

/// v8 moves stored codes from campaign ids to campaign numbers without losing or reordering any.
@Suite struct CodeSchemaTests {
    private static func open(_ directory: URL, migrations: [StoreMigration]) throws -> VoucherdStore {
        var configuration = StoreConfiguration(directory: directory)
        configuration.synchronous = .normal
        configuration.logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        return try VoucherdStore(configuration: configuration, migrations: migrations)
    }

    private static let insertCampaign = """
        INSERT INTO campaigns (id, merchant_id, name, description, status, distribution, code_binding, code_format,
            benefit, rules, time_zone, claim_start_us, claim_end_us, inventory, transferable, created_at_us, updated_at_us)
        VALUES (?, 'm1', 'n', '', 'active', 'code', 1, x'', x'', x'', 'UTC', 0, 10, 100, 0, 0, 0)
        """

    @Test func v9KeepsEveryCodeItsCampaignAndItsRow() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("codes-v9-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try #require(IssuanceSchema.migrations.firstIndex { $0.name == "v9_code_numbers" })
        let old = try Self.open(directory, migrations: Array(IssuanceSchema.migrations.prefix(upTo: before)))
        try old.pool.write { db in
            for id in ["cmp_a", "cmp_b", "cmp_c"] { try db.execute(sql: Self.insertCampaign, arguments: [id]) }
            for (code, campaign) in [("CODEB1111", "cmp_b"), ("CODEA1111", "cmp_a"), ("CODEB2222", "cmp_b"), ("CODEA2222", "cmp_a")] {
                try db.execute(sql: "INSERT INTO campaign_codes (campaign_id, code) VALUES (?, ?)", arguments: [campaign, code])
            }
            // cmp_c has a run that crashed before its first chunk: no code yet.
            try db.execute(
                sql: """
                    INSERT INTO code_runs (principal, idempotency_key, request_hash, campaign_id, total, created_at_us, updated_at_us)
                    VALUES ('acct-m1', 'k', x'01', 'cmp_c', 5, 0, 0)
                    """)
        }
        try old.pool.close()

        let store = try Self.open(directory, migrations: IssuanceSchema.migrations)
        defer { try? store.pool.close() }
        try store.pool.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM code_campaigns") == 3)
            let pageA = try CodeRepository.page(campaignID: "cmp_a", after: 0, limit: 10, in: db)
            #expect(pageA.map(\.code) == ["CODEA1111", "CODEA2222"])
            #expect(pageA.map(\.rowID) == [2, 4])
            #expect(try CodeRepository.page(campaignID: "cmp_b", after: 1, limit: 10, in: db).map(\.code) == ["CODEB2222"])
            #expect(try CodeRepository.page(campaignID: "cmp_c", after: 0, limit: 10, in: db).isEmpty)
            let found = try CodeRepository.find(["CODEB2222", "CODEA1111", "NOPE11111"], in: db)
            #expect(Set(found) == [.init(code: "CODEB2222", campaignID: "cmp_b"), .init(code: "CODEA1111", campaignID: "cmp_a")])
        }
        try store.pool.write { db in
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO campaign_codes (code, campaign_number) VALUES ('CODEA1111', 3)")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO campaign_codes (code, campaign_number) VALUES ('CODEZ1111', 99)")
            }
        }
    }
}
