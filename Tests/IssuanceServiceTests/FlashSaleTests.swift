import Foundation
import GRDB
import GRPCCore
import SwiftProtobuf
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

/// 抢券 under load: many concurrent claimers, a small inventory.
@Suite struct FlashSaleTests {
    /// The outcome of one claim attempt.
    enum Outcome: Sendable, Hashable {
        case won(consumer: String)
        case refused(RPCError.Code)

        var isWin: Bool {
            if case .won = self { return true }
            return false
        }
    }

    private static func run(
        _ harness: IssuanceHarness, campaignID: String, attempts: Int, consumers: Int
    ) async throws -> [Outcome] {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            for attempt in 0..<attempts {
                group.addTask {
                    let consumer = "u\(attempt % consumers)"
                    do {
                        let coupon = try await harness.claim(campaignID, as: consumer, key: "attempt-\(attempt)")
                        return .won(consumer: coupon.consumerID)
                    } catch {
                        return .refused(status(of: error).0)
                    }
                }
            }
            var outcomes: [Outcome] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    private static func issuedPerConsumer(_ harness: IssuanceHarness, _ campaignID: String) async throws -> [String: Int] {
        try await harness.environment.store.pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT consumer_id, COUNT(*) AS n FROM coupons WHERE campaign_id = ? GROUP BY consumer_id",
                arguments: [campaignID])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["consumer_id"] as String, $0["n"] as Int) })
        }
    }

    @Test func twoThousandClaimersOnAHundredCoupons() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let before = harness.environment.writer.statistics.batchedRequests
            let outcomes = try await Self.run(harness, campaignID: campaign.campaignID, attempts: 2_000, consumers: 2_000)
            let winners = outcomes.filter(\.isWin)
            #expect(winners.count == 100)
            #expect(outcomes.filter { $0 == .refused(.resourceExhausted) }.count == 1_900)
            let perConsumer = try await Self.issuedPerConsumer(harness, campaign.campaignID)
            #expect(perConsumer.values.reduce(0, +) == 100)
            #expect(perConsumer.values.allSatisfy { $0 == 1 })
            // Only the winners reached the writer: the gate refused the losers.
            #expect(harness.environment.writer.statistics.batchedRequests - before == 100)
            let issued = try await harness.environment.store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT issued FROM campaigns WHERE id = ?", arguments: [campaign.campaignID])
            }
            #expect(issued == 100)
        }
    }

    @Test func repeatClaimersNeverExceedTheLimitAndStockIsStillSoldExactly() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            // 400 consumers, 5 attempts each: failed repeat attempts hand their reservation on.
            let outcomes = try await Self.run(harness, campaignID: campaign.campaignID, attempts: 2_000, consumers: 400)
            let perConsumer = try await Self.issuedPerConsumer(harness, campaign.campaignID)
            #expect(perConsumer.values.reduce(0, +) == 100)
            #expect(perConsumer.values.allSatisfy { $0 == 1 })
            #expect(outcomes.filter(\.isWin).count == 100)
            #expect(outcomes.allSatisfy { $0.isWin || $0 == .refused(.resourceExhausted) || $0 == .refused(.failedPrecondition) })
        }
    }

    @Test func refusedClaimsAfterSellOutNeverEnterTheWriter() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.inventory = 3 }
            for consumer in ["a", "b", "c"] { _ = try await harness.claim(campaign.campaignID, as: consumer) }
            let before = harness.environment.writer.statistics
            let outcomes = try await Self.run(harness, campaignID: campaign.campaignID, attempts: 200, consumers: 200)
            #expect(outcomes.allSatisfy { $0 == .refused(.resourceExhausted) })
            #expect(harness.environment.writer.statistics == before)
            #expect(harness.service.stockGate.refusals >= 200)
        }
    }

    /// The owner raises the campaign's inventory.
    private static func raiseInventory(of campaignID: String, to inventory: UInt64, in harness: IssuanceHarness) async throws {
        var update = Voucherd_V1_UpdateCampaignRequest()
        update.campaignID = campaignID
        update.inventory = inventory
        _ = try await Fixtures.merchant("m1").run {
            try await harness.service.updateCampaign(request: update, context: IssuanceHarness.context())
        }
    }

    @Test func moreInventoryReopensTheGate() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.inventory = 1 }
            _ = try await harness.claim(campaign.campaignID, as: "a")
            await expectStatus(.resourceExhausted) { _ = try await harness.claim(campaign.campaignID, as: "b") }
            try await Self.raiseInventory(of: campaign.campaignID, to: 2, in: harness)
            _ = try await harness.claim(campaign.campaignID, as: "b")
            await expectStatus(.resourceExhausted) { _ = try await harness.claim(campaign.campaignID, as: "c") }
        }
    }

    @Test func losersAreRefusedFromOneReadOfTheClaimantsAndWinnersStillGetTheirCoupons() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.inventory = 3 }
            var won: [String: Voucherd_V1_Coupon] = [:]
            for consumer in ["a", "b", "c"] {
                won[consumer] = try await harness.claim(campaign.campaignID, as: consumer, key: "win-\(consumer)")
            }
            let outcomes = try await Self.run(harness, campaignID: campaign.campaignID, attempts: 200, consumers: 200)
            #expect(outcomes.allSatisfy { $0 == .refused(.resourceExhausted) })
            #expect(harness.service.soldOutClaimants.loads == 1)
            // A retry of a claim that won still gets its coupon, whoever asks first after sell-out.
            for consumer in ["a", "b", "c"] {
                let again = try await harness.claim(campaign.campaignID, as: consumer, key: "win-\(consumer)")
                #expect(again == won[consumer])
            }
            // A winner's new key is refused like anyone's.
            await expectStatus(.resourceExhausted) { _ = try await harness.claim(campaign.campaignID, as: "a", key: "new") }
        }
    }

    @Test func aWinnerAfterTheInventoryGrewIsAnsweredItsCouponOnceSoldOutAgain() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.inventory = 1 }
            _ = try await harness.claim(campaign.campaignID, as: "a")
            await expectStatus(.resourceExhausted) { _ = try await harness.claim(campaign.campaignID, as: "b") }
            try await Self.raiseInventory(of: campaign.campaignID, to: 2, in: harness)
            let coupon = try await harness.claim(campaign.campaignID, as: "b", key: "kb")
            await expectStatus(.resourceExhausted) { _ = try await harness.claim(campaign.campaignID, as: "c") }
            #expect(try await harness.claim(campaign.campaignID, as: "b", key: "kb") == coupon)
        }
    }
}
