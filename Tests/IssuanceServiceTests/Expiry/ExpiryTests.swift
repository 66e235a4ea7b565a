import Foundation
import GRDB
import GRPCCore
@testable import IssuanceService
import SwiftProtobuf
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct ExpiryTests {
    private static let day: TimeInterval = 86_400

    private func claimMany(_ harness: IssuanceHarness, _ campaignID: String, count: Int) async throws -> [Voucherd_V1_Coupon] {
        var coupons: [Voucherd_V1_Coupon] = []
        for index in 0..<count { coupons.append(try await harness.claim(campaignID, as: "c\(index)")) }
        return coupons
    }

    private func events(_ harness: IssuanceHarness, _ type: String) async throws -> [Voucherd_V1_DomainEvent] {
        try await harness.environment.store.pool.read { db in
            try harness.environment.outbox.events(producer: "issuance", after: 0, limit: 1_000, in: db)
        }.filter { $0.type == type }.map { try Voucherd_V1_DomainEvent(serializedBytes: $0.payload) }
    }

    private func states(_ harness: IssuanceHarness) async throws -> [String] {
        try await harness.environment.store.pool.read { db in try String.fetchAll(db, sql: "SELECT state FROM coupons ORDER BY id") }
    }

    @Test func dueCouponsExpireInBoundedBatchesExactlyOnce() async throws {
        var configuration = IssuanceConfiguration()
        configuration.expiryBatchSize = 2
        try await withIssuanceService(configuration: configuration) { harness in
            let campaign = try await harness.activeCampaign { $0.rules.validity.afterClaim.days = 1 }
            _ = try await claimMany(harness, campaign.campaignID, count: 5)
            harness.clock.advance(by: Self.day - 1)
            #expect(try await harness.service.expireDue(now: harness.clock.now) == 0)
            harness.clock.advance(by: 1)
            let before = harness.environment.writer.statistics.committedTransactions
            #expect(try await harness.service.expireDue(now: harness.clock.now, limit: 3) == 3)
            #expect(harness.environment.writer.statistics.committedTransactions - before == 2)
            #expect(try await harness.service.expireDue(now: harness.clock.now) == 2)
            #expect(try await harness.service.expireDue(now: harness.clock.now) == 0)
            #expect(try await states(harness) == Array(repeating: "expired", count: 5))
            let expired = try await events(harness, "issuance.coupon.expired")
            #expect(expired.count == 5)
            #expect(Set(expired.map(\.subjectID)).count == 5)
            #expect(expired.allSatisfy { $0.actor == "system" && $0.attributes["campaign_id"] == campaign.campaignID })
        }
    }

    @Test func lockedCouponsAreNotExpiredWhileLocked() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.validity.afterClaim.days = 1 }
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            harness.clock.advance(by: Self.day - 60)
            try await harness.lockCoupon(coupon.couponID, consumer: "c1", redemptionID: "rdm-1")
            harness.clock.advance(by: 120)
            #expect(try await harness.service.expireDue(now: harness.clock.now) == 0)
            #expect(try await states(harness) == ["locked"])
            try await harness.releaseLock("rdm-1")
            #expect(try await harness.service.expireDue(now: harness.clock.now) == 1)
            #expect(try await states(harness) == ["expired"])
        }
    }

    @Test func anExpiredGiftCardBalanceIsCommandedToPointsOnceWithADeterministicKey() async throws {
        try await withIssuanceService { harness in
            let recycled = try await harness.activeCampaign {
                $0.benefit.storedValue.balance = Fixtures.money(12_345)
                $0.benefit.storedValue.expiredBalanceToPoints = true
                $0.rules.validity.afterClaim.days = 1
            }
            let kept = try await harness.activeCampaign {
                $0.benefit.storedValue.balance = Fixtures.money(5_000)
                $0.rules.validity.afterClaim.days = 1
            }
            let card = try await harness.claim(recycled.campaignID, as: "c1")
            _ = try await harness.claim(kept.campaignID, as: "c1")
            harness.clock.advance(by: Self.day)
            #expect(try await harness.service.expireDue(now: harness.clock.now) == 2)
            #expect(try await harness.service.expireDue(now: harness.clock.now) == 0)
            let commands = try await events(harness, "identity.accrue_points")
            try #require(commands.count == 1)
            #expect(commands[0].subjectID == card.couponID)
            #expect(commands[0].attributes["consumer_id"] == "c1")
            #expect(commands[0].attributes["points"] == "123")
            #expect(commands[0].attributes["idempotency_key"] == "issuance:expiry:\(card.couponID):accrue")
            let expired = try await events(harness, "issuance.coupon.expired")
            #expect(expired.first { $0.subjectID == card.couponID }?.attributes["points_recycled"] == "123")
            #expect(expired.allSatisfy { $0.attributes["consumer_id"] == nil })
        }
    }

    @Test func holdersAreRemindedOnceAtTheLeadBeforeExpiry() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.validity.afterClaim.days = 2 }
            let coupons = try await claimMany(harness, campaign.campaignID, count: 3)
            #expect(try await harness.service.remindExpiring(now: harness.clock.now) == 0)
            harness.clock.advance(by: Self.day)
            // Exactly 24 hours before the end: due.
            #expect(try await harness.service.remindExpiring(now: harness.clock.now, limit: 2) == 2)
            #expect(try await harness.service.remindExpiring(now: harness.clock.now) == 1)
            harness.clock.advance(by: 3_600)
            #expect(try await harness.service.remindExpiring(now: harness.clock.now) == 0)
            let reminders = try await events(harness, "issuance.coupon.expiring")
            #expect(Set(reminders.map(\.subjectID)) == Set(coupons.map(\.couponID)))
            #expect(reminders.count == 3)
            #expect(reminders.allSatisfy { $0.attributes["valid_until_micros"] == String(coupons[0].validUntilMicros) })
        }
    }

    @Test func theLeadIsConfigurableAndExpiredOrLockedCouponsAreNotReminded() async throws {
        var configuration = IssuanceConfiguration()
        configuration.expiryReminderLeadSeconds = 3_600
        try await withIssuanceService(configuration: configuration) { harness in
            let campaign = try await harness.activeCampaign {
                $0.rules.validity.afterClaim.days = 1
                $0.rules.perUserTotal = 0
            }
            let locked = try await harness.claim(campaign.campaignID, as: "c1")
            _ = try await harness.claim(campaign.campaignID, as: "c1")
            try await harness.lockCoupon(locked.couponID, consumer: "c1", redemptionID: "rdm-1")
            harness.clock.advance(by: Self.day - 3_601)
            #expect(try await harness.service.remindExpiring(now: harness.clock.now) == 0)
            harness.clock.advance(by: 1)
            #expect(try await harness.service.remindExpiring(now: harness.clock.now) == 1)
            harness.clock.advance(by: 3_600)
            _ = try await harness.service.expireDue(now: harness.clock.now)
            #expect(try await harness.service.remindExpiring(now: harness.clock.now, lead: Self.day) == 0)
        }
    }
}
