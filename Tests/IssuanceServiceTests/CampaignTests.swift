import Foundation
import GRDB
import GRPCCore
@testable import IssuanceService
import SwiftProtobuf
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct CampaignTests {
    private let context = IssuanceHarness.context()

    @Test func ownerCreatesADraftAndTheChangeIsRecorded() async throws {
        try await withIssuanceService { harness in
            let request = Fixtures.createRequest()
            let campaign = try await Fixtures.merchant("m1").run {
                try await harness.service.createCampaign(request: request, context: context)
            }
            #expect(campaign.campaignID.hasPrefix("cmp_"))
            #expect(campaign.status == .draft)
            #expect(campaign.timeZone == "Asia/Shanghai")
            #expect(campaign.rules.inventory == 100)
            #expect(campaign.benefit == request.benefit)
            let (events, audit) = try await harness.environment.store.pool.read { db in
                (try harness.environment.outbox.events(producer: "issuance", after: 0, limit: 10, in: db),
                 try harness.environment.audit.verify(in: db))
            }
            #expect(events.map(\.type) == ["issuance.campaign.created"])
            let event = try Voucherd_V1_DomainEvent(serializedBytes: events[0].payload)
            #expect(event.subjectID == campaign.campaignID)
            #expect(event.actor == "acct-m1")
            #expect(audit == .intact(entries: 1))
        }
    }

    @Test func createIsIdempotentByKey() async throws {
        try await withIssuanceService { harness in
            let request = Fixtures.createRequest()
            let owner = Fixtures.merchant("m1")
            let first = try await owner.run { try await harness.service.createCampaign(request: request, context: context) }
            let again = try await owner.run { try await harness.service.createCampaign(request: request, context: context) }
            #expect(first == again)
            var changed = request
            changed.name = "Another"
            await expectStatus(.failedPrecondition) {
                _ = try await owner.run { try await harness.service.createCampaign(request: changed, context: context) }
            }
        }
    }

    @Test(arguments: [
        (Fixtures.consumer("c1"), RPCError.Code?.some(.permissionDenied)),
        (Fixtures.service, .permissionDenied),
        (Fixtures.merchant("m2"), .permissionDenied),
        (Fixtures.merchant("m1", staff: true), nil),
        (Fixtures.operator, nil),
    ])
    func whoMayCreateForMerchantM1(principal: Principal, expected: RPCError.Code?) async throws {
        try await withIssuanceService { harness in
            let request = Fixtures.createRequest()
            do {
                _ = try await principal.run { try await harness.service.createCampaign(request: request, context: context) }
                #expect(expected == nil)
            } catch {
                #expect(status(of: error).0 == expected)
            }
        }
    }

    @Test func merchantMustBeApprovedAndKnown() async throws {
        try await withIssuanceService { harness in
            await expectStatus(.failedPrecondition) {
                _ = try await Fixtures.operator.run {
                    try await harness.service.createCampaign(request: Fixtures.createRequest(merchantID: "m-pending"), context: context)
                }
            }
            await expectStatus(.notFound) {
                _ = try await Fixtures.operator.run {
                    try await harness.service.createCampaign(request: Fixtures.createRequest(merchantID: "m-nobody"), context: context)
                }
            }
        }
    }

    @Test(arguments: InvalidCampaign.allCases)
    func invalidCreateNamesTheField(_ invalid: InvalidCampaign) async throws {
        try await withIssuanceService { harness in
            var request = Fixtures.createRequest()
            invalid.apply(&request)
            await expectStatus(.invalidArgument, field: invalid.field) {
                _ = try await Fixtures.merchant("m1").run {
                    try await harness.service.createCampaign(request: request, context: context)
                }
            }
        }
    }

    @Test func lifecycleAndIllegalTransitions() async throws {
        try await withIssuanceService { harness in
            let owner = Fixtures.merchant("m1")
            let created = try await owner.run {
                try await harness.service.createCampaign(request: Fixtures.createRequest(), context: context)
            }
            var request = Voucherd_V1_CampaignTransitionRequest()
            request.campaignID = created.campaignID
            request.reason = "test"
            let service = harness.service
            await expectStatus(.failedPrecondition) {
                _ = try await owner.run { try await service.pauseCampaign(request: request, context: context) }
            }
            #expect(try await owner.run { try await service.activateCampaign(request: request, context: context) }.status == .active)
            await expectStatus(.failedPrecondition) {
                _ = try await owner.run { try await service.activateCampaign(request: request, context: context) }
            }
            #expect(try await owner.run { try await service.pauseCampaign(request: request, context: context) }.status == .paused)
            #expect(try await owner.run { try await service.activateCampaign(request: request, context: context) }.status == .active)
            #expect(try await owner.run { try await service.endCampaign(request: request, context: context) }.status == .ended)
            for transition in [CampaignTransition.activate, .pause, .end] {
                await expectStatus(.failedPrecondition) {
                    _ = try await owner.run { () async throws -> Voucherd_V1_Campaign in
                        switch transition {
                        case .activate: return try await service.activateCampaign(request: request, context: context)
                        case .pause: return try await service.pauseCampaign(request: request, context: context)
                        case .end: return try await service.endCampaign(request: request, context: context)
                        }
                    }
                }
            }
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.merchant("m2").run { try await service.endCampaign(request: request, context: context) }
            }
            let types = try await harness.environment.store.pool.read { db in
                try harness.environment.outbox.events(producer: "issuance", after: 0, limit: 20, in: db).map(\.type)
            }
            #expect(types == [
                "issuance.campaign.created", "issuance.campaign.activated", "issuance.campaign.paused",
                "issuance.campaign.activated", "issuance.campaign.ended",
            ])
        }
    }

    @Test func onlyHarmlessEditsOnceActive() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let owner = Fixtures.merchant("m1")
            let service = harness.service
            var update = Voucherd_V1_UpdateCampaignRequest()
            update.campaignID = campaign.campaignID
            update.name = "Renamed"
            update.inventory = 150
            let updated = try await owner.run { try await service.updateCampaign(request: update, context: context) }
            #expect(updated.name == "Renamed")
            #expect(updated.rules.inventory == 150)
            var shrink = Voucherd_V1_UpdateCampaignRequest()
            shrink.campaignID = campaign.campaignID
            shrink.inventory = 10
            await expectStatus(.failedPrecondition) {
                _ = try await owner.run { try await service.updateCampaign(request: shrink, context: context) }
            }
            var budget = Voucherd_V1_UpdateCampaignRequest()
            budget.campaignID = campaign.campaignID
            budget.budget = Fixtures.money(100_000)
            await expectStatus(.failedPrecondition) {
                _ = try await owner.run { try await service.updateCampaign(request: budget, context: context) }
            }
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.merchant("m2").run { try await service.updateCampaign(request: update, context: context) }
            }
            var bad = Voucherd_V1_UpdateCampaignRequest()
            bad.campaignID = campaign.campaignID
            bad.name = ""
            await expectStatus(.invalidArgument, field: "name") {
                _ = try await owner.run { try await service.updateCampaign(request: bad, context: context) }
            }
        }
    }

    @Test func listIsPagedNewestFirstAndScoped() async throws {
        try await withIssuanceService { harness in
            var ids: [String] = []
            for _ in 0..<5 {
                harness.clock.advance(by: 1)
                ids.append(try await Fixtures.merchant("m1").run {
                    try await harness.service.createCampaign(request: Fixtures.createRequest(), context: context)
                }.campaignID)
            }
            _ = try await Fixtures.merchant("m2").run {
                try await harness.service.createCampaign(request: Fixtures.createRequest(merchantID: "m2"), context: context)
            }
            var seen: [String] = []
            var request = Voucherd_V1_ListCampaignsRequest()
            request.merchantID = "m1"
            request.pageSize = 2
            repeat {
                let page = try await Fixtures.merchant("m1").run { try await harness.service.listCampaigns(request: request, context: context) }
                #expect(page.campaigns.count <= 2)
                seen += page.campaigns.map(\.campaignID)
                request.pageToken = page.nextPageToken
            } while !request.pageToken.isEmpty
            #expect(seen == ids.reversed())
            var all = Voucherd_V1_ListCampaignsRequest()
            #expect(try await Fixtures.operator.run { try await harness.service.listCampaigns(request: all, context: context) }.campaigns.count == 6)
            await expectStatus(.invalidArgument, field: "merchant_id") {
                _ = try await Fixtures.merchant("m1").run { try await harness.service.listCampaigns(request: all, context: context) }
            }
            all.merchantID = "m2"
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.merchant("m1").run { try await harness.service.listCampaigns(request: all, context: context) }
            }
            all.merchantID = ""
            all.pageToken = "not-a-token"
            await expectStatus(.invalidArgument, field: "page_token") {
                _ = try await Fixtures.operator.run { try await harness.service.listCampaigns(request: all, context: context) }
            }
        }
    }

    @Test func getAndStockAreScoped() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            _ = try await harness.claim(campaign.campaignID, as: "c1")
            var request = Voucherd_V1_GetCampaignRequest()
            request.campaignID = campaign.campaignID
            let stock = try await Fixtures.merchant("m1").run { try await harness.service.getCampaignStock(request: request, context: context) }
            #expect(stock.inventory == 100 && stock.issued == 1 && stock.remaining == 99)
            #expect(try await Fixtures.operator.run { try await harness.service.getCampaign(request: request, context: context) }.status == .active)
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.merchant("m2").run { try await harness.service.getCampaign(request: request, context: context) }
            }
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.consumer("c1").run { try await harness.service.getCampaignStock(request: request, context: context) }
            }
            request.campaignID = "cmp_missing"
            await expectStatus(.notFound) {
                _ = try await Fixtures.operator.run { try await harness.service.getCampaign(request: request, context: context) }
            }
            request.campaignID = "nope"
            await expectStatus(.invalidArgument, field: "campaign_id") {
                _ = try await Fixtures.operator.run { try await harness.service.getCampaign(request: request, context: context) }
            }
        }
    }
}
