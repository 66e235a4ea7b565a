import Foundation
import GRPCCore
@testable import IssuanceService
import SwiftProtobuf
import Testing
import VoucherdModel
import VoucherdStore

/// Bad input on the campaign methods besides CreateCampaign (see InvalidCampaign.swift).
@Suite struct CampaignInputTests {
    private let context = IssuanceHarness.context()

    enum BadUpdate: CaseIterable, Sendable {
        case noID, badID, emptyName, longDescription, negativeClaimEnd, zeroInventory, badBudget, negativeBudget

        func apply(_ request: inout Voucherd_V1_UpdateCampaignRequest) -> String {
            switch self {
            case .noID: request.campaignID = ""; return "campaign_id"
            case .badID: request.campaignID = "cpn_1"; return "campaign_id"
            case .emptyName: request.name = "   "; return "name"
            case .longDescription: request.description_p = String(repeating: "d", count: 2001); return "description"
            case .negativeClaimEnd: request.claimEndMicros = -1; return "claim_end_micros"
            case .zeroInventory: request.inventory = 0; return "inventory"
            case .badBudget: request.budget = Fixtures.money(100, "Yuan"); return "budget"
            case .negativeBudget: request.budget = Fixtures.money(-100); return "budget"
            }
        }
    }

    @Test(arguments: BadUpdate.allCases)
    func badUpdateNamesTheField(_ bad: BadUpdate) async throws {
        try await withIssuanceService { harness in
            var request = Voucherd_V1_UpdateCampaignRequest()
            request.campaignID = "cmp_1"
            let field = bad.apply(&request)
            await expectStatus(.invalidArgument, field: field) {
                _ = try await Fixtures.operator.run { try await harness.service.updateCampaign(request: request, context: context) }
            }
        }
    }

    @Test(arguments: [("", "", "campaign_id"), ("x", "", "campaign_id"), ("cmp_1", String(repeating: "r", count: 501), "reason")])
    func badTransitionNamesTheField(campaignID: String, reason: String, field: String) async throws {
        try await withIssuanceService { harness in
            var request = Voucherd_V1_CampaignTransitionRequest()
            request.campaignID = campaignID
            request.reason = reason
            let service = harness.service
            await expectStatus(.invalidArgument, field: field) {
                _ = try await Fixtures.operator.run { try await service.activateCampaign(request: request, context: context) }
            }
            await expectStatus(.invalidArgument, field: field) {
                _ = try await Fixtures.operator.run { try await service.pauseCampaign(request: request, context: context) }
            }
            await expectStatus(.invalidArgument, field: field) {
                _ = try await Fixtures.operator.run { try await service.endCampaign(request: request, context: context) }
            }
        }
    }

    @Test func badListAndReadInputNamesTheField() async throws {
        try await withIssuanceService { harness in
            let service = harness.service
            var list = Voucherd_V1_ListCampaignsRequest()
            list.pageSize = 501
            await expectStatus(.invalidArgument, field: "page_size") {
                _ = try await Fixtures.operator.run { try await service.listCampaigns(request: list, context: context) }
            }
            list.pageSize = 0
            list.status = .UNRECOGNIZED(9)
            await expectStatus(.invalidArgument, field: "status") {
                _ = try await Fixtures.operator.run { try await service.listCampaigns(request: list, context: context) }
            }
            var stock = Voucherd_V1_GetCampaignRequest()
            stock.campaignID = ""
            await expectStatus(.invalidArgument, field: "campaign_id") {
                _ = try await Fixtures.operator.run { try await service.getCampaignStock(request: stock, context: context) }
            }
            var coupon = Voucherd_V1_GetCouponRequest()
            coupon.couponID = "cmp_1"
            await expectStatus(.invalidArgument, field: "coupon_id") {
                _ = try await Fixtures.operator.run { try await service.getCoupon(request: coupon, context: context) }
            }
        }
    }

    @Test func callsWithoutAPrincipalAreUnauthenticated() async throws {
        try await withIssuanceService { harness in
            await expectStatus(.unauthenticated) {
                _ = try await harness.service.createCampaign(request: Fixtures.createRequest(), context: context)
            }
            await expectStatus(.unauthenticated) {
                _ = try await harness.service.claimCoupon(request: .init(), context: context)
            }
        }
    }
}
