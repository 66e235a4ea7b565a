import Foundation
import GRDB
import GRPCCore
import SwiftProtobuf
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct TransferTests {
    private let context = IssuanceHarness.context()

    private func transfer(
        _ harness: IssuanceHarness, _ couponID: String, from: String, to: String, amount: Int64? = nil,
        key: String = UUID().uuidString
    ) async throws -> Voucherd_V1_TransferCouponResponse {
        var request = Voucherd_V1_TransferCouponRequest()
        request.couponID = couponID
        request.toConsumerID = to
        if let amount { request.amount = Fixtures.money(amount) }
        request.idempotencyKey = key
        return try await Fixtures.consumer(from).run { try await harness.service.transferCoupon(request: request, context: context) }
    }

    private func storedValueCampaign(_ harness: IssuanceHarness) async throws -> Voucherd_V1_Campaign {
        try await harness.activeCampaign { $0.benefit.storedValue.balance = Fixtures.money(10_000) }
    }

    @Test func holderGivesAnUnusedCouponAndLosesIt() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let coupon = try await harness.claim(campaign.campaignID, as: "alice")
            let result = try await transfer(harness, coupon.couponID, from: "alice", to: "bob", key: "t-1")
            #expect(result.from.state == .transferred)
            #expect(result.to.consumerID == "bob")
            #expect(result.to.origin == "transfer")
            #expect(result.to.transferredFromCouponID == coupon.couponID)
            #expect(result.to.validUntilMicros == coupon.validUntilMicros)
            #expect(try await transfer(harness, coupon.couponID, from: "alice", to: "bob", key: "t-1") == result)
            await expectStatus(.failedPrecondition) { _ = try await transfer(harness, coupon.couponID, from: "alice", to: "carol") }
            await expectStatus(.permissionDenied) { _ = try await transfer(harness, result.to.couponID, from: "alice", to: "carol") }
            let onward = try await transfer(harness, result.to.couponID, from: "bob", to: "carol")
            #expect(onward.to.consumerID == "carol")
        }
    }

    @Test func campaignMustAllowTransfers() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.transferable = false }
            let coupon = try await harness.claim(campaign.campaignID, as: "alice")
            await expectStatus(.failedPrecondition) { _ = try await transfer(harness, coupon.couponID, from: "alice", to: "bob") }
        }
    }

    @Test func partOfAStoredValueBalance() async throws {
        try await withIssuanceService { harness in
            let campaign = try await storedValueCampaign(harness)
            let card = try await harness.claim(campaign.campaignID, as: "alice")
            #expect(card.balance.minorUnits == 10_000)
            let part = try await transfer(harness, card.couponID, from: "alice", to: "bob", amount: 3_000)
            #expect(part.from.state == .issued && part.from.balance.minorUnits == 7_000)
            #expect(part.to.balance.minorUnits == 3_000)
            await expectStatus(.failedPrecondition) { _ = try await transfer(harness, card.couponID, from: "alice", to: "bob", amount: 8_000) }
            let rest = try await transfer(harness, card.couponID, from: "alice", to: "carol")
            #expect(rest.from.state == .transferred && rest.from.balance.minorUnits == 0)
            #expect(rest.to.balance.minorUnits == 7_000)
        }
    }

    @Test func racingTransfersOfOneCouponHaveExactlyOneWinner() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.perUserTotal = 0 }
            for round in 0..<10 {
                let coupon = try await harness.claim(campaign.campaignID, as: "alice")
                let results = await withTaskGroup(of: RPCError.Code?.self) { group in
                    for receiver in 0..<8 {
                        group.addTask {
                            do {
                                _ = try await transfer(harness, coupon.couponID, from: "alice", to: "r\(round)-\(receiver)")
                                return nil
                            } catch {
                                return status(of: error).0
                            }
                        }
                    }
                    var results: [RPCError.Code?] = []
                    for await result in group { results.append(result) }
                    return results
                }
                #expect(results.filter { $0 == nil }.count == 1)
                #expect(results.filter { $0 == .failedPrecondition }.count == 7)
                let holders = try await harness.environment.store.pool.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM coupons WHERE transferred_from = ?", arguments: [coupon.couponID])
                }
                #expect(holders == 1)
            }
        }
    }

    @Test func racingPartialTransfersNeverOverdrawTheBalance() async throws {
        try await withIssuanceService { harness in
            let campaign = try await storedValueCampaign(harness)
            let card = try await harness.claim(campaign.campaignID, as: "alice")
            let winners = await withTaskGroup(of: Bool.self) { group in
                for receiver in 0..<10 {
                    group.addTask { (try? await transfer(harness, card.couponID, from: "alice", to: "r\(receiver)", amount: 3_000)) != nil }
                }
                var count = 0
                for await won in group where won { count += 1 }
                return count
            }
            #expect(winners == 3)
            let (left, total) = try await harness.environment.store.pool.read { db in
                (try Int64.fetchOne(db, sql: "SELECT balance_minor FROM coupons WHERE id = ?", arguments: [card.couponID]),
                 try Int64.fetchOne(db, sql: "SELECT SUM(balance_minor) FROM coupons"))
            }
            #expect(left == 1_000)
            #expect(total == 10_000)
        }
    }

    @Test(arguments: [
        ("", "bob", "k", Int64?.none, "coupon_id"),
        ("cpn_x", "", "k", nil, "to_consumer_id"),
        ("cpn_x", "alice", "k", nil, "to_consumer_id"),
        ("cpn_x", "bob", "", nil, "idempotency_key"),
        ("cpn_x", "bob", "k", 0, "amount"),
        ("cpn_x", "bob", "k", -5, "amount"),
    ])
    func badTransferInputNamesTheField(couponID: String, to: String, key: String, amount: Int64?, field: String) async throws {
        try await withIssuanceService { harness in
            await expectStatus(.invalidArgument, field: field) {
                _ = try await transfer(harness, couponID, from: "alice", to: to, amount: amount, key: key)
            }
        }
    }

    @Test func amountIsOnlyForStoredValue() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let coupon = try await harness.claim(campaign.campaignID, as: "alice")
            await expectStatus(.invalidArgument, field: "amount") {
                _ = try await transfer(harness, coupon.couponID, from: "alice", to: "bob", amount: 100)
            }
            await expectStatus(.permissionDenied) {
                var request = Voucherd_V1_TransferCouponRequest()
                request.couponID = coupon.couponID
                request.toConsumerID = "bob"
                request.idempotencyKey = "k"
                _ = try await Fixtures.operator.run { try await harness.service.transferCoupon(request: request, context: context) }
            }
        }
    }
}
