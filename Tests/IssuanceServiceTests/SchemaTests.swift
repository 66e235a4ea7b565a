import Foundation
import GRDB
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct IssuanceSchemaTests {
    @Test func migrationNamesAreVersioned() {
        for migration in IssuanceSchema.migrations {
            #expect(StoreMigration.isValidName(migration.name), "\(migration.name)")
        }
    }

    private static let insertCampaign = """
        INSERT INTO campaigns (id, merchant_id, name, description, status, distribution, code_binding, code_format,
            benefit, rules, time_zone, claim_start_us, claim_end_us, inventory, issued, budget_currency, budget_minor,
            budget_used_minor, transferable, created_at_us, updated_at_us)
        VALUES ('cmp_1', 'm1', 'n', '', ?, 'claim', 0, x'', x'', x'', 'UTC', 0, 10, ?, ?, ?, ?, ?, 0, 0, 0)
        """

    private static func refuses(_ arguments: StatementArguments) async throws -> Bool {
        try await withIssuanceService { harness in
            do {
                try await harness.environment.writer.write { db in try db.execute(sql: insertCampaign, arguments: arguments) }
                return false
            } catch let error as DatabaseError {
                return error.resultCode == .SQLITE_CONSTRAINT
            }
        }
    }

    @Test func theDatabaseRefusesImpossibleCampaigns() async throws {
        #expect(try await Self.refuses(["active", 10, 10, nil, nil, 0]) == false)
        #expect(try await Self.refuses(["active", 10, 11, nil, nil, 0]), "oversold")
        #expect(try await Self.refuses(["active", 0, 0, nil, nil, 0]), "no inventory")
        #expect(try await Self.refuses(["running", 10, 1, nil, nil, 0]), "unknown status")
        #expect(try await Self.refuses(["active", 10, 1, "CNY", 100, 101]), "over budget")
        #expect(try await Self.refuses(["active", 10, 1, nil, 100, 0]), "budget without currency")
    }

    @Test func theDatabaseRefusesANegativeBalance() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.benefit.storedValue.balance = Fixtures.money(100) }
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            await #expect(throws: DatabaseError.self) {
                try await harness.environment.writer.write { db in
                    try db.execute(sql: "UPDATE coupons SET balance_minor = -1 WHERE id = ?", arguments: [coupon.couponID])
                }
            }
            await #expect(throws: DatabaseError.self) {
                try await harness.environment.writer.write { db in
                    try db.execute(sql: "UPDATE coupons SET state = 'spent' WHERE id = ?", arguments: [coupon.couponID])
                }
            }
        }
    }
}
