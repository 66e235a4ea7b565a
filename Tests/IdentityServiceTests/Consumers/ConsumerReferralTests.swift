import GRDB
import GRPCCore
@testable import IdentityService
import SwiftProtobuf
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct ConsumerReferralTests {
    @Test func rewardCommandedOnceAtTheThirdAndAgainAtTheSixthInvitee() async throws {
        try await withIdentityService { service, env in
            let inviter = try await service.register("u-inviter").consumer
            var commands: [Int: Int] = [:]
            for index in 1...7 {
                let invitee = try await service.register("u-invitee-\(index)", inviteCode: inviter.inviteCode.lowercased())
                #expect(invitee.consumer.referredByConsumerID == inviter.consumerID)
                // A retried registration finds the consumer and does not count twice.
                try await service.register("u-invitee-\(index)", inviteCode: inviter.inviteCode)
                commands[index] = try await env.outboxEvents("issuance.grant_referral_reward").count
            }
            #expect(commands == [1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2])
            let payloads = try await env.outboxEvents("issuance.grant_referral_reward").map {
                try Voucherd_V1_ReferralRewardCommand(serializedBytes: $0.payload)
            }
            #expect(payloads.map(\.invitees) == [3, 6])
            #expect(payloads.allSatisfy { $0.consumerID == inviter.consumerID })
            #expect(payloads.allSatisfy { $0.faceValue.minorUnits == 5_000 && $0.faceValue.currency == "CNY" })
            #expect(Set(payloads.map(\.commandID)).count == 2)

            var request = Voucherd_V1_GetReferralStatusRequest()
            request.consumerID = inviter.consumerID
            let status = try await acting(as: Caller.consumer(inviter.consumerID)) {
                try await service.getReferralStatus(request: request, context: testContext())
            }
            #expect(status.inviteCode == inviter.inviteCode)
            #expect(status.inviteesRegistered == 7 && status.rewardsGranted == 2 && status.threshold == 3)
            #expect(status.reward.minorUnits == 5_000)
        }
    }

    @Test func configurableThresholdRewardAndCampaign() async throws {
        let configuration = IdentityConfiguration(
            referrals: ReferralPolicy(threshold: 2, rewardMinorUnits: 1_000, rewardCurrency: "USD", campaignID: "cmp_ref"))
        try await withIdentityService(configuration: configuration) { service, env in
            let inviter = try await service.register("u-inviter").consumer
            try await service.register("u-1", inviteCode: inviter.inviteCode)
            try await service.register("u-2", inviteCode: inviter.inviteCode)
            let events = try await env.outboxEvents("issuance.grant_referral_reward")
            let command = try Voucherd_V1_ReferralRewardCommand(serializedBytes: #require(events.first).payload)
            #expect(events.count == 1)
            #expect(command.campaignID == "cmp_ref" && command.faceValue.currency == "USD" && command.invitees == 2)
        }
    }

    @Test func unknownInviteCodeIsRefusedAndNothingIsCreated() async throws {
        try await withIdentityService { service, env in
            await expectRPCError(.invalidArgument, containing: "invite_code") {
                _ = try await service.register("u-x", inviteCode: "ZZZZZZZZ")
            }
            let registered = try await env.outboxEvents("identity.consumer.registered")
            #expect(registered.isEmpty)
        }
    }
}
