import Foundation
import GRDB
import GRPCCore
@testable import IssuanceService
import SwiftProtobuf
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct CheckoutTests {
    static let redemption = Principal(subject: "svc-redemption", role: .service)
    private let context = IssuanceHarness.redemptionContext

    private func lock(
        _ harness: IssuanceHarness, _ redemptionID: String, consumer: String, coupons: [(String, Int64?)], ttl: UInt32 = 0
    ) async throws -> Voucherd_V1_LockCouponsResponse {
        var request = Voucherd_V1_LockCouponsRequest()
        request.redemptionID = redemptionID
        request.consumerID = consumer
        request.storeID = "store-1"
        request.ttlSeconds = ttl
        request.items = coupons.map { id, amount in
            var item = Voucherd_V1_LockItem()
            item.couponID = id
            if let amount { item.amount = Fixtures.money(amount) }
            return item
        }
        return try await Self.redemption.run { try await harness.service.lockCoupons(request: request, context: context) }
    }

    private func commit(_ harness: IssuanceHarness, _ redemptionID: String, spent: [String: Int64] = [:]) async throws -> Voucherd_V1_CommitLockResponse {
        var request = Voucherd_V1_CommitLockRequest()
        request.redemptionID = redemptionID
        request.amounts = spent.map { id, amount in
            var item = Voucherd_V1_LockItem()
            item.couponID = id
            item.amount = Fixtures.money(amount)
            return item
        }
        return try await Self.redemption.run { try await harness.service.commitLock(request: request, context: context) }
    }

    private func release(_ harness: IssuanceHarness, _ redemptionID: String) async throws -> Voucherd_V1_ReleaseLockResponse {
        var request = Voucherd_V1_ReleaseLockRequest()
        request.redemptionID = redemptionID
        return try await Self.redemption.run { try await harness.service.releaseLock(request: request, context: context) }
    }

    private func reverse(_ harness: IssuanceHarness, _ redemptionID: String) async throws -> Voucherd_V1_ReverseRedemptionResponse {
        var request = Voucherd_V1_ReverseRedemptionRequest()
        request.redemptionID = redemptionID
        request.reason = "refunded"
        return try await Self.redemption.run { try await harness.service.reverseRedemption(request: request, context: context) }
    }

    private func redeemed(_ harness: IssuanceHarness, _ campaignID: String) async throws -> Int? {
        try await harness.environment.store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT redeemed FROM campaigns WHERE id = ?", arguments: [campaignID])
        }
    }

    @Test func lockCommitReverseOfASingleUseCoupon() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            let locked = try await lock(harness, "r1", consumer: "c1", coupons: [(coupon.couponID, nil)])
            #expect(locked.locked.map(\.coupon.state) == [.locked])
            #expect(locked.locked[0].rules == campaign.rules)
            #expect(try await lock(harness, "r1", consumer: "c1", coupons: [(coupon.couponID, nil)]) == locked)
            await expectStatus(.failedPrecondition) { _ = try await lock(harness, "r2", consumer: "c1", coupons: [(coupon.couponID, nil)]) }
            let committed = try await commit(harness, "r1")
            #expect(committed.coupons.map(\.state) == [.redeemed])
            #expect(try await commit(harness, "r1") == committed)
            await expectStatus(.failedPrecondition) { _ = try await release(harness, "r1") }
            await expectStatus(.failedPrecondition) { _ = try await lock(harness, "r3", consumer: "c1", coupons: [(coupon.couponID, nil)]) }
            #expect(try await redeemed(harness, campaign.campaignID) == 1)
            let reversed = try await reverse(harness, "r1")
            #expect(reversed.coupons.map(\.state) == [.issued])
            #expect(try await reverse(harness, "r1") == reversed)
            #expect(try await redeemed(harness, campaign.campaignID) == 0)
        }
    }

    @Test func releaseMakesTheCouponUsableAgainAndNeverCommits() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            _ = try await lock(harness, "r1", consumer: "c1", coupons: [(coupon.couponID, nil)])
            #expect(try await release(harness, "r1").released == 1)
            #expect(try await release(harness, "r1").released == 1)
            await expectStatus(.failedPrecondition) { _ = try await commit(harness, "r1") }
            #expect(try await release(harness, "r-unknown").released == 0)
            await expectStatus(.notFound) { _ = try await commit(harness, "r-unknown") }
            let again = try await lock(harness, "r2", consumer: "c1", coupons: [(coupon.couponID, nil)])
            #expect(again.locked[0].coupon.state == .locked)
            await expectStatus(.failedPrecondition) { _ = try await lock(harness, "r3", consumer: "c2", coupons: [(coupon.couponID, nil)]) }
        }
    }

    @Test func storedValueIsHeldSpentAndGivenBack() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.benefit.storedValue.balance = Fixtures.money(10_000) }
            let card = try await harness.claim(campaign.campaignID, as: "c1")
            let held = try await lock(harness, "r1", consumer: "c1", coupons: [(card.couponID, 3_000)])
            #expect(held.locked[0].lockedAmount.minorUnits == 3_000)
            #expect(held.locked[0].coupon.balance.minorUnits == 7_000)
            await expectStatus(.invalidArgument, field: "amounts") { _ = try await commit(harness, "r1", spent: [card.couponID: 3_001]) }
            let spent = try await commit(harness, "r1", spent: [card.couponID: 2_000])
            #expect(spent.coupons[0].balance.minorUnits == 8_000)
            _ = try await lock(harness, "r2", consumer: "c1", coupons: [(card.couponID, nil)])
            let all = try await commit(harness, "r2")
            #expect(all.coupons[0].balance.minorUnits == 0)
            #expect(all.coupons[0].state == .redeemed)
            let back = try await reverse(harness, "r2")
            #expect(back.coupons[0].balance.minorUnits == 8_000)
            #expect(back.coupons[0].state == .issued)
        }
    }

    @Test func theSweeperReleasesExpiredLocks() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            _ = try await lock(harness, "r1", consumer: "c1", coupons: [(coupon.couponID, nil)], ttl: 60)
            #expect(try await harness.service.releaseExpiredLocks() == 0)
            harness.clock.advance(by: 61)
            await expectStatus(.failedPrecondition) { _ = try await commit(harness, "r1") }
            #expect(try await harness.service.releaseExpiredLocks() == 1)
            #expect(try await harness.service.releaseExpiredLocks() == 0)
            await expectStatus(.failedPrecondition) { _ = try await commit(harness, "r1") }
            let state = try await harness.environment.store.pool.read { db in
                try String.fetchOne(db, sql: "SELECT state FROM coupons WHERE id = ?", arguments: [coupon.couponID])
            }
            #expect(state == "issued")
        }
    }

    @Test func commitAndReleaseRacingEndOneWayOnly() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.perUserTotal = 0 }
            for round in 0..<10 {
                let coupon = try await harness.claim(campaign.campaignID, as: "c1")
                // Two orders race for the same coupon: one lock wins.
                let locks = await withTaskGroup(of: Bool.self) { group in
                    for order in 0..<4 {
                        group.addTask { (try? await lock(harness, "r\(round)-\(order)", consumer: "c1", coupons: [(coupon.couponID, nil)])) != nil }
                    }
                    return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(locks == 1)
                let winner = try await harness.environment.store.pool.read { db in
                    try String.fetchOne(db, sql: "SELECT redemption_id FROM coupon_locks WHERE coupon_id = ?", arguments: [coupon.couponID])
                }
                let redemptionID = try #require(winner)
                async let committed = try? commit(harness, redemptionID)
                async let released = try? release(harness, redemptionID)
                let outcomes = await (committed != nil, released != nil)
                #expect(outcomes.0 != outcomes.1)
            }
        }
    }

    @Test func spendingAndTransferringRaceToOneWinner() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.perUserTotal = 0 }
            for round in 0..<10 {
                let coupon = try await harness.claim(campaign.campaignID, as: "alice")
                var gift = Voucherd_V1_TransferCouponRequest()
                gift.couponID = coupon.couponID
                gift.toConsumerID = "bob"
                gift.idempotencyKey = "gift-\(round)"
                async let spent = try? lock(harness, "spend-\(round)", consumer: "alice", coupons: [(coupon.couponID, nil)])
                async let given = try? Fixtures.consumer("alice").run {
                    try await harness.service.transferCoupon(request: gift, context: IssuanceHarness.context())
                }
                let outcomes = await (spent != nil, given != nil)
                #expect(outcomes.0 != outcomes.1, "round \(round): exactly one of spend and transfer wins")
            }
        }
    }

    @Test(arguments: [
        (Principal(subject: "svc-redemption", role: .service), "spiffe://voucherd/gateway"),
        (Principal(subject: "svc-redemption", role: .service), ""),
        (Fixtures.operator, "spiffe://voucherd/service/redemption"),
        (Fixtures.consumer("c1"), "spiffe://voucherd/service/redemption"),
    ])
    func onlyRedemptionMayLock(principal: Principal, peer: String) async throws {
        try await withIssuanceService { harness in
            var request = Voucherd_V1_ReleaseLockRequest()
            request.redemptionID = "r1"
            await expectStatus(.permissionDenied) {
                _ = try await principal.run {
                    try await harness.service.releaseLock(request: request, context: IssuanceHarness.context(peer: peer))
                }
            }
        }
    }

    @Test(arguments: [
        ("", "c1", [("cpn_1", Int64?.none)], UInt32(0), "redemption_id"),
        ("r1", "", [("cpn_1", nil)], 0, "consumer_id"),
        ("r1", "c1", [], 0, "items"),
        ("r1", "c1", [("cmp_1", nil)], 0, "items[0].coupon_id"),
        ("r1", "c1", [("cpn_1", nil), ("cpn_1", nil)], 0, "items[1].coupon_id"),
        ("r1", "c1", [("cpn_1", Int64?.some(0))], 0, "items[0].amount"),
        ("r1", "c1", [("cpn_1", nil)], 901, "ttl_seconds"),
    ])
    func badLockInputNamesTheField(redemptionID: String, consumer: String, items: [(String, Int64?)], ttl: UInt32, field: String) async throws {
        try await withIssuanceService { harness in
            await expectStatus(.invalidArgument, field: field) {
                _ = try await lock(harness, redemptionID, consumer: consumer, coupons: items, ttl: ttl)
            }
        }
    }
}
