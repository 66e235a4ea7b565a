import Foundation
import GRPCCore
import SwiftProtobuf
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct GrantTests {
    private let context = IssuanceHarness.context()

    private func grantRequest(_ campaignID: String, _ consumers: [String], key: String = UUID().uuidString) -> Voucherd_V1_GrantCouponsRequest {
        var request = Voucherd_V1_GrantCouponsRequest()
        request.campaignID = campaignID
        request.consumerIds = consumers
        request.reason = "welcome"
        request.idempotencyKey = key
        return request
    }

    @Test func grantsReportPerConsumerFailuresAndAreIdempotent() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign { $0.rules.inventory = 3 }
            _ = try await harness.claim(campaign.campaignID, as: "c1")
            let request = grantRequest(campaign.campaignID, ["c1", "c2", "c3", "c4"], key: "g-1")
            let response = try await Fixtures.operator.run { try await harness.service.grantCoupons(request: request, context: context) }
            #expect(response.coupons.map(\.consumerID) == ["c2", "c3"])
            #expect(response.coupons.allSatisfy { $0.origin == "grant" })
            #expect(response.failures.map(\.consumerID) == ["c1", "c4"])
            #expect(response.failures[1].reason.contains("out of stock"))
            let again = try await Fixtures.operator.run { try await harness.service.grantCoupons(request: request, context: context) }
            #expect(again == response)
            await expectStatus(.resourceExhausted) { _ = try await harness.claim(campaign.campaignID, as: "c9") }
        }
    }

    @Test func onlyTheCampaignsMerchantOperatorsAndServicesGrant() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let request = grantRequest(campaign.campaignID, ["c1"])
            _ = try await Fixtures.merchant("m1", staff: true).run { try await harness.service.grantCoupons(request: request, context: context) }
            _ = try await Fixtures.service.run { try await harness.service.grantCoupons(request: grantRequest(campaign.campaignID, ["c2"]), context: context) }
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.merchant("m2").run { try await harness.service.grantCoupons(request: request, context: context) }
            }
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.consumer("c1").run { try await harness.service.grantCoupons(request: request, context: context) }
            }
        }
    }

    @Test(arguments: [
        ("", ["c1"], "k", "campaign_id"),
        ("cmp_x", [], "k", "consumer_ids"),
        ("cmp_x", ["c1", ""], "k", "consumer_ids[1]"),
        ("cmp_x", ["c1"], "", "idempotency_key"),
    ])
    func badGrantInputNamesTheField(campaignID: String, consumers: [String], key: String, field: String) async throws {
        try await withIssuanceService { harness in
            let request = grantRequest(campaignID, consumers, key: key)
            await expectStatus(.invalidArgument, field: field) {
                _ = try await Fixtures.operator.run { try await harness.service.grantCoupons(request: request, context: context) }
            }
        }
    }

    @Test func referralRewardIsGrantedOncePerCommand() async throws {
        var configuration = IssuanceConfiguration()
        configuration.referralCampaignID = "cmp_unset"
        try await withIssuanceService(configuration: configuration) { harness in
            let campaign = try await harness.activeCampaign {
                $0.distribution = .grant
                $0.rules.perUserTotal = 0
            }
            var command = Voucherd_V1_ReferralRewardCommand()
            command.commandID = "ref-1"
            command.consumerID = "inviter"
            command.invitees = 3
            command.faceValue = Fixtures.money(5_000)
            command.campaignID = campaign.campaignID
            let first = try await harness.service.grantReferralReward(command)
            let again = try await harness.service.grantReferralReward(command)
            #expect(first == again)
            #expect(first.origin == "grant")
            command.commandID = "ref-2"
            let second = try await harness.service.grantReferralReward(command)
            #expect(second.couponID != first.couponID)
            // A grant-only campaign cannot be claimed.
            await expectStatus(.failedPrecondition) { _ = try await harness.claim(campaign.campaignID, as: "c1") }
            command.commandID = ""
            await expectStatus(.invalidArgument, field: "command_id") { _ = try await harness.service.grantReferralReward(command) }
        }
    }
}
