import Foundation
import GRDB
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct ConsumerPrivacyTests {
    /// A consumer with some of everything: points, a refund, a device, consents, an invitee.
    private func populate(_ service: IdentityService) async throws -> (id: String, invitee: String) {
        let consumer = try await service.register(
            "u-private", displayName: "Wang Fang", phone: "+8613900139000", email: "wang@example.com").consumer
        let id = consumer.consumerID
        try await service.accrue(id, 300, spend: 30_000)
        let spend = try await service.spend(id, 100)
        try await service.refund(id, entry: spend.entry.entryID, 40)
        var bind = Voucherd_V1_BindDeviceRequest()
        bind.consumerID = id
        bind.fingerprint = "fingerprint-private"
        _ = try await acting(as: Caller.service) { try await service.bindDevice(request: bind, context: testContext()) }
        var consent = Voucherd_V1_RecordConsentRequest()
        consent.consumerID = id
        consent.purpose = "analytics"
        consent.policyVersion = "2026-01"
        consent.granted = true
        _ = try await acting(as: Caller.service) { try await service.recordConsent(request: consent, context: testContext()) }
        let invitee = try await service.register("u-friend", inviteCode: consumer.inviteCode).consumer.consumerID
        try await service.accrue(invitee, 70)
        return (id, invitee)
    }

    @Test func exportContainsEverything() async throws {
        try await withIdentityService { service, _ in
            let (id, _) = try await populate(service)
            var request = Voucherd_V1_ExportConsumerDataRequest()
            request.consumerID = id
            let export = try await acting(as: Caller.consumer(id)) {
                try await service.exportConsumerData(request: request, context: testContext())
            }
            #expect(export.consumer.displayName == "Wang Fang" && export.consumer.email == "wang@example.com")
            #expect(export.member.pointsBalance == 240 && export.member.lifetimeSpend.minorUnits == 30_000)
            #expect(export.pointsEntries.map(\.kind) == [.accrual, .spend, .refund])
            #expect(export.devices.map(\.fingerprint) == ["fingerprint-private"])
            #expect(export.consents.map(\.purpose) == ["analytics"])
            #expect(export.referral.inviteesRegistered == 1)
            #expect(export.exportedAtMicros > 0)
        }
    }

    @Test func erasureRemovesPersonalDataAndKeepsTotals() async throws {
        try await withIdentityService { service, env in
            let (id, invitee) = try await populate(service)
            let before = try await env.ledgerTotals()
            #expect(before.entries == before.balances && before.entries == 310)

            var erase = Voucherd_V1_EraseConsumerRequest()
            erase.consumerID = id
            erase.reason = "user request"
            let erased = try await acting(as: Caller.consumer(id)) { try await service.eraseConsumer(request: erase, context: testContext()) }
            #expect(erased.anonymizedPointsEntries == 3 && erased.erasedAtMicros > 0)
            // A retried erasure answers the same.
            let again = try await acting(as: Caller.operator) { try await service.eraseConsumer(request: erase, context: testContext()) }
            #expect(again == erased)

            let after = try await env.ledgerTotals()
            #expect(after == before)

            let raw = try await env.store.pool.read { db in
                (
                    personal: try String.fetchOne(db, sql: """
                        SELECT COALESCE(external_id, '') || display_name || phone || email || COALESCE(invite_code, '')
                        FROM consumer WHERE id = ?
                        """, arguments: [id]),
                    erasedAt: try Int64.fetchOne(db, sql: "SELECT erased_at_us FROM consumer WHERE id = ?", arguments: [id]),
                    balance: try Int64.fetchOne(db, sql: "SELECT balance FROM consumer WHERE id = ?", arguments: [id]),
                    linkedEntries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM points_entry WHERE consumer_id = ?", arguments: [id]),
                    anonymousSum: try Int64.fetchOne(db, sql: """
                        SELECT SUM(e.points) FROM points_entry e JOIN consumer c ON c.ledger_account = e.ledger_account
                        WHERE c.id = ? AND e.consumer_id IS NULL
                        """, arguments: [id]),
                    devices: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consumer_device WHERE consumer_id = ?", arguments: [id]),
                    linkedConsents: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consumer_consent WHERE consumer_id = ?", arguments: [id]),
                    anonymousConsents: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consumer_consent WHERE consumer_id IS NULL"),
                    inviteeLink: try String.fetchOne(db, sql: "SELECT referred_by FROM consumer WHERE id = ?", arguments: [invitee])
                )
            }
            #expect(raw.personal == "")
            #expect(raw.erasedAt == erased.erasedAtMicros)
            #expect(raw.balance == 240)
            #expect(raw.linkedEntries == 0 && raw.anonymousSum == 240)
            #expect(raw.devices == 0 && raw.linkedConsents == 0 && raw.anonymousConsents == 1)
            #expect(raw.inviteeLink == id)

            // The erased consumer cannot be used; its external id registers anew.
            await expectRPCError(.failedPrecondition, containing: "erased") { _ = try await service.accrue(id, 1) }
            await expectRPCError(.failedPrecondition) { _ = try await service.member(id) }
            var get = Voucherd_V1_GetConsumerRequest()
            get.consumerID = id
            let shown = try await acting(as: Caller.operator) { try await service.getConsumer(request: get, context: testContext()) }
            #expect(shown.erasedAtMicros == erased.erasedAtMicros && shown.externalID.isEmpty)
            let reborn = try await service.register("u-private")
            #expect(reborn.created && reborn.consumer.consumerID != id)
            #expect(try await service.member(reborn.consumer.consumerID).pointsBalance == 0)

            // Nothing personal survives anywhere in the store's own tables either.
            let leaks = try await env.store.pool.read { db in
                try Int.fetchOne(db, sql: """
                    SELECT (SELECT COUNT(*) FROM store_audit WHERE instr(details, 'Wang') > 0 OR instr(details, '+86139') > 0)
                         + (SELECT COUNT(*) FROM store_outbox WHERE instr(payload, CAST('Wang' AS BLOB)) > 0)
                    """)
            }
            #expect(leaks == 0)
            #expect(try await env.outboxEvents("identity.consumer.erased").count == 1)
            #expect(try await env.auditIsIntact())
        }
    }
}
