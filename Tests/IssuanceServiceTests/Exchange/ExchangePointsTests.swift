import Foundation
import GRDB
import GRPCCore
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct ExchangePointsTests {
    /// A campaign priced at 300 points, and c1 holding 1,000.
    private func pointsCampaign(
        _ harness: IssuanceHarness, _ store: ReopenableIssuanceStore,
        _ edit: (inout Voucherd_V1_CreateCampaignRequest) -> Void = { _ in }
    ) async throws -> Voucherd_V1_Campaign {
        store.points.setBalance("c1", 1_000)
        return try await harness.activeCampaign {
            $0.rules.pointsPrice = 300
            $0.rules.perUserTotal = 0
            edit(&$0)
        }
    }

    @Test func exchangeSpendsThePointsAndIssuesACouponOnceAcrossRetries() async throws {
        try await withReopenableIssuanceStore { store in
            try await store.run { harness in
                let campaign = try await pointsCampaign(harness, store)
                let coupon = try await harness.exchange(campaign.campaignID, as: "c1", key: "x-1")
                #expect(coupon.origin == "points")
                #expect(coupon.consumerID == "c1")
                #expect(coupon.state == .issued)
                let again = try await harness.exchange(campaign.campaignID, as: "c1", key: "x-1")
                #expect(again == coupon)
                #expect(store.points.balance("c1") == 700)
                #expect(store.points.applied.spends == 1)
                #expect(try await harness.sagaStates() == ["completed"])
                let types = try await harness.environment.store.pool.read { db in
                    try harness.environment.outbox.events(producer: "issuance", after: 0, limit: 100, in: db).map(\.type)
                }
                #expect(types.last == "issuance.coupon.exchanged")
            }
        }
    }

    @Test func aShortBalanceFailsWithoutACouponAndRetriesGetTheSameRefusal() async throws {
        try await withReopenableIssuanceStore { store in
            try await store.run { harness in
                let campaign = try await pointsCampaign(harness, store)
                store.points.setBalance("c1", 100)
                await expectStatus(.failedPrecondition) { _ = try await harness.exchange(campaign.campaignID, as: "c1", key: "x-1") }
                store.points.setBalance("c1", 1_000)
                // The first answer stands even though the balance would now do.
                await expectStatus(.failedPrecondition) { _ = try await harness.exchange(campaign.campaignID, as: "c1", key: "x-1") }
                #expect(try await harness.couponCount(of: "c1") == 0)
                #expect(try await harness.sagaStates() == ["failed"])
                #expect(store.points.balance("c1") == 1_000)
            }
        }
    }

    @Test func anIssueRefusalRefundsThePointsAndRetriesGetTheSameRefusal() async throws {
        try await withReopenableIssuanceStore { store in
            try await store.run { harness in
                let campaign = try await pointsCampaign(harness, store) { $0.rules.perUserTotal = 1 }
                _ = try await harness.exchange(campaign.campaignID, as: "c1")
                await expectStatus(.failedPrecondition) { _ = try await harness.exchange(campaign.campaignID, as: "c1", key: "x-2") }
                #expect(store.points.balance("c1") == 700)
                #expect(store.points.applied == FakePointsLedger.Applied(spends: 2, refunds: 1))
                await expectStatus(.failedPrecondition) { _ = try await harness.exchange(campaign.campaignID, as: "c1", key: "x-2") }
                #expect(store.points.applied == FakePointsLedger.Applied(spends: 2, refunds: 1))
                #expect(try await harness.sagaStates().sorted() == ["compensated", "completed"])
                #expect(try await harness.couponCount(of: "c1") == 1)
            }
        }
    }

    @Test func servicesExchangeForANamedConsumerAndOthersAreRefused() async throws {
        try await withReopenableIssuanceStore { store in
            try await store.run { harness in
                let campaign = try await pointsCampaign(harness, store)
                var request = Voucherd_V1_ExchangePointsRequest()
                request.campaignID = campaign.campaignID
                request.idempotencyKey = "x-1"
                await expectStatus(.invalidArgument, field: "consumer_id") {
                    _ = try await Fixtures.service.run { try await harness.service.exchangePoints(request: request, context: IssuanceHarness.context()) }
                }
                request.consumerID = "c1"
                await expectStatus(.permissionDenied) {
                    _ = try await Fixtures.consumer("c2").run { try await harness.service.exchangePoints(request: request, context: IssuanceHarness.context()) }
                }
                for principal in [Fixtures.operator, Fixtures.merchant("m1")] {
                    await expectStatus(.permissionDenied) {
                        _ = try await principal.run { try await harness.service.exchangePoints(request: request, context: IssuanceHarness.context()) }
                    }
                }
                let coupon = try await Fixtures.service.run {
                    try await harness.service.exchangePoints(request: request, context: IssuanceHarness.context())
                }
                #expect(coupon.consumerID == "c1")
                #expect(store.points.balance("c1") == 700)
            }
        }
    }

    @Test func badInputNamesTheFieldAndUnexchangeableCampaignsAreRefusedBeforeSpending() async throws {
        try await withReopenableIssuanceStore { store in
            try await store.run { harness in
                let priced = try await pointsCampaign(harness, store)
                let unpriced = try await harness.activeCampaign()
                await expectStatus(.invalidArgument, field: "campaign_id") { _ = try await harness.exchange("", as: "c1") }
                await expectStatus(.invalidArgument, field: "campaign_id") { _ = try await harness.exchange("nope", as: "c1") }
                await expectStatus(.invalidArgument, field: "idempotency_key") { _ = try await harness.exchange(priced.campaignID, as: "c1", key: "") }
                await expectStatus(.notFound) { _ = try await harness.exchange("cmp_0000", as: "c1") }
                await expectStatus(.failedPrecondition) { _ = try await harness.exchange(unpriced.campaignID, as: "c1") }
                _ = try await harness.exchange(priced.campaignID, as: "c1", key: "x-1")
                // The same key for another campaign is a different request.
                await expectStatus(.failedPrecondition) { _ = try await harness.exchange(unpriced.campaignID, as: "c1", key: "x-1") }
                #expect(store.points.applied.spends == 1)
            }
        }
    }

    @Test func soldOutCampaignsAreRefusedBeforeSpending() async throws {
        try await withReopenableIssuanceStore { store in
            try await store.run { harness in
                let campaign = try await pointsCampaign(harness, store) { $0.rules.inventory = 1 }
                _ = try await harness.claim(campaign.campaignID, as: "c2")
                await expectStatus(.resourceExhausted) { _ = try await harness.exchange(campaign.campaignID, as: "c1") }
                #expect(store.points.applied.spends == 0)
                #expect(try await harness.sagaStates().isEmpty)
            }
        }
    }
}
