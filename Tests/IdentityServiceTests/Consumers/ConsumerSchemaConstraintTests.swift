import GRDB
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdStore

/// The database itself refuses impossible ledger states, even to raw SQL.
@Suite struct ConsumerSchemaConstraintTests {
    @Test(arguments: [
        "UPDATE consumer SET balance = -1",
        "UPDATE consumer SET tier = 'platinum'",
        "UPDATE points_entry SET points = 1000 WHERE kind = 'spend'",
        "DELETE FROM points_entry",
        "UPDATE consumer SET erased_at_us = 1",
    ])
    func impossibleStatesAreRefused(sql: String) async throws {
        try await withIdentityService { service, env in
            let id = try await service.register("u-constraints").consumer.consumerID
            try await service.accrue(id, 10)
            try await service.spend(id, 5)
            await #expect(throws: DatabaseError.self) {
                try await env.writer.write { db in try db.execute(sql: sql) }
            }
        }
    }
}
