import Foundation
import GRDB
import GRPCCore
import SwiftProtobuf
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct AuditAndEventsTests {
    @Test func changesAreAuditedAndPublished() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, environment in
            let merchant = try await service.makeMerchant()
            var review = Voucherd_V1_ReviewMerchantRequest()
            review.merchantID = merchant.merchantID
            review.decision = .approved
            _ = try await acting(as: TestPrincipals.operator) {
                try await service.reviewMerchant(request: review, context: context())
            }
            let created = try await service.makeServiceAccount()

            let verified = try await acting(as: TestPrincipals.operator) {
                try await service.verifyAuditLog(request: .init(), context: context())
            }
            #expect(verified.valid)
            #expect(verified.entries == 3)

            let events = try await environment.store.pool.read { db in
                try environment.outbox.events(producer: IdentityEnvironment.producer, after: 0, limit: 100, in: db)
            }
            #expect(events.map(\.type) == [
                "identity.merchant.created", "identity.merchant.reviewed", "identity.service_account.created",
            ])
            #expect(events.map(\.sequence) == [1, 2, 3])
            let first = try Voucherd_V1_DomainEvent(serializedBytes: events[0].payload)
            #expect(first.subjectID == merchant.merchantID)
            #expect(first.actor == TestPrincipals.operator.subject)
            // No personal data and no secrets in events or audit details.
            let everything = try await environment.store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT CAST(details AS TEXT) FROM store_audit")
                    + String.fetchAll(db, sql: "SELECT CAST(payload AS TEXT) FROM store_outbox")
            }.joined()
            for secret in ["ops@tea.example", "owner.one", strongPassword, created.apiKey, "Tea House"] {
                #expect(!everything.contains(secret), "\(secret)")
            }

            // Tampering straight in the file (past the append-only trigger) breaks the chain.
            try await environment.store.pool.write { db in
                try db.execute(sql: "DROP TRIGGER store_audit_no_update")
                try db.execute(sql: "UPDATE store_audit SET actor = 'someone else' WHERE sequence = 2")
            }
            let broken = try await acting(as: TestPrincipals.operator) {
                try await service.verifyAuditLog(request: .init(), context: context())
            }
            #expect(!broken.valid)
            #expect(broken.firstInvalidSequence == 2)
        }
    }

    @Test func theSchemaRefusesImpossibleStates() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, environment in
            let merchant = try await service.makeMerchant()
            let attempts = [
                // An operator with a merchant.
                "UPDATE accounts SET role = 'operator' WHERE merchant_id IS NOT NULL",
                // An approval with no reviewer.
                "UPDATE merchants SET status = 'approved'",
                // A rejection without a reason.
                "UPDATE merchants SET status = 'rejected', reviewed_by = 'x', reviewed_at_us = 1",
                "UPDATE merchants SET status = 'gone'",
                // Staff of a merchant that does not exist.
                """
                INSERT INTO accounts (account_id, username, role, merchant_id, password_hash, created_at_us)
                VALUES ('acc_x', 'ghost', 'merchantStaff', 'mer_nope', 'pbkdf2-sha256$1$a$b', 1)
                """,
                // A password stored in the clear.
                "UPDATE accounts SET password_hash = 'hunter2hunter2'",
            ]
            for sql in attempts {
                await #expect(throws: DatabaseError.self, "\(sql)") {
                    try await environment.store.pool.write { db in try db.execute(sql: sql) }
                }
            }
            #expect(merchant.status == .submitted)
        }
    }
}
