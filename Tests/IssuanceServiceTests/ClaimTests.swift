import Foundation
import GRDB
import GRPCCore
import SwiftProtobuf
@testable import IssuanceService
import Synchronization
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct ClaimTests {
    private let context = IssuanceHarness.context()

    @Test func consumerClaimsAndGetsTheCampaignsBenefitAndValidity() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            #expect(coupon.couponID.hasPrefix("cpn_"))
            #expect(coupon.consumerID == "c1")
            #expect(coupon.state == .issued)
            #expect(coupon.origin == "claim")
            #expect(coupon.benefit == campaign.benefit)
            let now = Int64(harness.clock.now.timeIntervalSince1970 * 1_000_000)
            #expect(coupon.validFromMicros == now)
            #expect(coupon.validUntilMicros == now + 30 * 86_400 * 1_000_000)
            let types = try await harness.environment.store.pool.read { db in
                try harness.environment.outbox.events(producer: "issuance", after: 0, limit: 10, in: db).map(\.type)
            }
            #expect(types.last == "issuance.coupon.claimed")
        }
    }

    @Test func retryWithTheSameKeyReturnsTheSameCouponEvenAfterSellOut() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.inventory = 1 }
            let first = try await harness.claim(campaign.campaignID, as: "c1", key: "k-1")
            let again = try await harness.claim(campaign.campaignID, as: "c1", key: "k-1")
            #expect(first == again)
            await expectStatus(.resourceExhausted) { _ = try await harness.claim(campaign.campaignID, as: "c2") }
            let stock = try await harness.environment.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM coupons") }
            #expect(stock == 1)
        }
    }

    @Test func perUserLimitsTotalAndPerDay() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign {
                $0.rules.perUserTotal = 3
                $0.rules.perUserPerDay = 2
            }
            _ = try await harness.claim(campaign.campaignID, as: "c1")
            _ = try await harness.claim(campaign.campaignID, as: "c1")
            await expectStatus(.failedPrecondition) { _ = try await harness.claim(campaign.campaignID, as: "c1") }
            harness.clock.advance(by: 86_400)
            _ = try await harness.claim(campaign.campaignID, as: "c1")
            await expectStatus(.failedPrecondition) { _ = try await harness.claim(campaign.campaignID, as: "c1") }
        }
    }

    @Test func consumersClaimOnlyForThemselvesAndServicesNameTheConsumer() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            var request = Voucherd_V1_ClaimCouponRequest()
            request.campaignID = campaign.campaignID
            request.idempotencyKey = "k"
            request.consumerID = "c2"
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.consumer("c1").run { try await harness.service.claimCoupon(request: request, context: context) }
            }
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.merchant("m1").run { try await harness.service.claimCoupon(request: request, context: context) }
            }
            let coupon = try await Fixtures.service.run { try await harness.service.claimCoupon(request: request, context: context) }
            #expect(coupon.consumerID == "c2")
            request.consumerID = ""
            await expectStatus(.invalidArgument, field: "consumer_id") {
                _ = try await Fixtures.service.run { try await harness.service.claimCoupon(request: request, context: context) }
            }
        }
    }

    @Test func tiersWindowsAndStatusAreChecked() async throws {
        try await withIssuanceService { harness in
            let gold = try await harness.activeCampaign { $0.rules.allowedTiers = ["gold"] }
            await expectStatus(.failedPrecondition) { _ = try await harness.claim(gold.campaignID, as: "c1", tier: "silver") }
            await expectStatus(.failedPrecondition) { _ = try await harness.claim(gold.campaignID, as: "c1") }
            _ = try await harness.claim(gold.campaignID, as: "c1", tier: "gold")
            var request = Voucherd_V1_ClaimCouponRequest()
            request.campaignID = gold.campaignID
            request.consumerID = "c2"
            request.idempotencyKey = "k"
            // A service's token carries no tier: tier-restricted campaigns refuse it.
            await expectStatus(.failedPrecondition) {
                _ = try await Fixtures.service.run { try await harness.service.claimCoupon(request: request, context: context) }
            }
            let later = try await harness.activeCampaign {
                $0.rules.claimStartMicros = Int64(harness.clock.now.timeIntervalSince1970 + 3600) * 1_000_000
            }
            await expectStatus(.failedPrecondition) { _ = try await harness.claim(later.campaignID, as: "c1") }
            var pause = Voucherd_V1_CampaignTransitionRequest()
            pause.campaignID = gold.campaignID
            _ = try await Fixtures.merchant("m1").run { try await harness.service.pauseCampaign(request: pause, context: context) }
            await expectStatus(.failedPrecondition) { _ = try await harness.claim(gold.campaignID, as: "c3", tier: "gold") }
        }
    }

    @Test func budgetBoundsTheFaceValueIssued() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.budget = Fixtures.money(2_000) }
            for consumer in ["c1", "c2", "c3", "c4"] { _ = try await harness.claim(campaign.campaignID, as: consumer) }
            await expectStatus(.resourceExhausted) { _ = try await harness.claim(campaign.campaignID, as: "c5") }
            var request = Voucherd_V1_GetCampaignRequest()
            request.campaignID = campaign.campaignID
            let stock = try await Fixtures.operator.run { try await harness.service.getCampaignStock(request: request, context: context) }
            #expect(stock.issued == 4)
            #expect(stock.budgetUsed.minorUnits == 2_000)
        }
    }

    @Test func variantsAreStablePerConsumer() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign {
                var a = Voucherd_V1_Variant()
                a.name = "A"
                a.weight = 1
                a.benefit.fixedAmount.off = Fixtures.money(300)
                var b = a
                b.name = "B"
                b.benefit.threshold.threshold = Fixtures.money(20_000)
                b.benefit.threshold.off = Fixtures.money(3_000)
                $0.rules.variants = [a, b]
                $0.rules.perUserTotal = 0
            }
            var names = Set<String>()
            for index in 0..<20 {
                let first = try await harness.claim(campaign.campaignID, as: "c\(index)")
                let second = try await harness.claim(campaign.campaignID, as: "c\(index)")
                #expect(first.variant == second.variant)
                #expect(first.benefit == campaign.rules.variants.first { $0.name == first.variant }?.benefit)
                names.insert(first.variant)
            }
            #expect(names == ["A", "B"])
        }
    }

    @Test(arguments: [
        ("", "k", "campaign_id"),
        ("bogus", "k", "campaign_id"),
        ("cmp_x", "", "idempotency_key"),
        ("cmp_x", String(repeating: "k", count: 129), "idempotency_key"),
        ("cmp_x", "has space", "idempotency_key"),
    ])
    func badClaimInputNamesTheField(campaignID: String, key: String, field: String) async throws {
        try await withIssuanceService { harness in
            await expectStatus(.invalidArgument, field: field) {
                _ = try await harness.claim(campaignID, as: "c1", key: key)
            }
        }
    }

    @Test func unknownCampaignIsNotFound() async throws {
        try await withIssuanceService { harness in
            await expectStatus(.notFound) { _ = try await harness.claim("cmp_missing", as: "c1") }
        }
    }
}
