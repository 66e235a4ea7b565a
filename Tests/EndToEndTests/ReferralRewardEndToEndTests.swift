#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRPCCore
import Testing
import VoucherdModel
import XRPC

/// Identity's referral reward reaches the inviter's wallet through real processes: issuance pulls
/// the command from identity's outbox (ReadOutbox), holds it while no referral campaign is
/// configured, grants it once one is, and never grants it twice across restarts.
@Suite("Referral rewards end to end", .timeLimit(.minutes(5)))
struct ReferralRewardEndToEndTests {
    typealias IssuanceClient = Voucherd_V1_Issuance.Client<XRPCClientTransport>

    /// A grant-only 无门槛 50 CNY campaign, identity's default reward.
    static func createReferralCampaign(_ client: IssuanceClient, merchantID: String, token: String) async throws -> String {
        var request = Voucherd_V1_CreateCampaignRequest()
        request.merchantID = merchantID
        request.name = "Referral reward"
        request.distribution = .grant
        request.benefit.fixedAmount.off = IssuanceEndToEndTests.cny(5_000)
        request.rules.validity.afterClaim.days = 30
        request.rules.inventory = 100
        request.idempotencyKey = "e2e-referral-campaign"
        let campaign = try await client.createCampaign(request, metadata: bearer(token))
        var activate = Voucherd_V1_CampaignTransitionRequest()
        activate.campaignID = campaign.campaignID
        activate.reason = "e2e"
        _ = try await client.activateCampaign(activate, metadata: bearer(token))
        return campaign.campaignID
    }

    /// The consumer's coupons, as the gateway sees them.
    static func wallet(_ client: IssuanceClient, consumerID: String, token: String) async throws -> [Voucherd_V1_Coupon] {
        var request = Voucherd_V1_ListWalletRequest()
        request.consumerID = consumerID
        request.pageSize = 100
        return try await client.listWallet(request, metadata: bearer(token)).coupons
    }

    /// Polls `condition` every 100 ms for up to 20 s (the feed polls identity every second).
    static func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw E2EError("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Registers `count` invitees of `inviteCode` through the gateway.
    static func invite(_ identity: IdentityClient, code inviteCode: String, names: [String], token: String) async throws {
        for name in names {
            let invitee = try await identity.register(externalID: name, inviteCode: inviteCode, token: token)
            #expect(!invitee.referredByConsumerID.isEmpty)
        }
    }

    @Test("three invitees earn the inviter one coupon, granted once across restarts")
    func referralRewardIsGrantedOnce() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                let (actors, inviter) = try await identity.withClients(fixture) { client, _ in
                    let actors = try await IssuanceActors.create(client)
                    let inviter = try await client.register(externalID: "e2e-inviter", token: actors.gatewayToken)
                    try await Self.invite(client, code: inviter.inviteCode, names: ["e2e-invitee-1", "e2e-invitee-2", "e2e-invitee-3"], token: actors.gatewayToken)
                    return (actors, inviter)
                }
                let keyFile = try RunningIssuance.prepare(fixture, apiKey: actors.issuanceAPIKey)

                // 1. Without a referral campaign the reward is owed: the feed holds, nothing is granted.
                let first = try await RunningIssuance.start(fixture, identityPort: identity.xrpcPort, apiKeyFile: keyFile)
                let campaignID: String
                do {
                    try await Self.eventually("the feed to report itself blocked") {
                        try await first.metric("voucherd_issuance_referral_feed_blocked") == 1
                    }
                    campaignID = try await first.withClient(fixture) { client in
                        #expect(try await Self.wallet(client, consumerID: inviter.consumerID, token: actors.gatewayToken).isEmpty)
                        return try await Self.createReferralCampaign(client, merchantID: actors.merchantID, token: actors.ownerToken)
                    }
                } catch {
                    _ = await first.stop()
                    throw error
                }
                let stopped = await first.stop()
                #expect(stopped.status == 0 && !stopped.killed, "issuance did not stop cleanly: \(stopped.stderr)")

                // 2. Restarted with the campaign configured: the reward arrives, once.
                let config = fixture.directory.appendingPathComponent("issuance-config.json")
                try Data(#"{"issuance": {"referral-campaign-id": "\#(campaignID)"}}"#.utf8).write(to: config)
                let configured = ["--config", config.path]
                let second = try await RunningIssuance.start(fixture, identityPort: identity.xrpcPort, apiKeyFile: keyFile, extra: configured)
                do {
                    try await second.withClient(fixture) { client in
                        try await Self.eventually("the referral coupon") {
                            try await !Self.wallet(client, consumerID: inviter.consumerID, token: actors.gatewayToken).isEmpty
                        }
                        let coupons = try await Self.wallet(client, consumerID: inviter.consumerID, token: actors.gatewayToken)
                        #expect(coupons.count == 1)
                        #expect(coupons.first?.campaignID == campaignID && coupons.first?.origin == "grant")
                    }
                    #expect(try await second.metric("voucherd_issuance_referral_feed_blocked") == 0)
                } catch {
                    _ = await second.stop()
                    throw error
                }
                _ = await second.stop()

                // 3. Another restart: the feed resumes after the command and grants nothing again;
                // three more invitees then earn exactly one more coupon.
                let third = try await RunningIssuance.start(fixture, identityPort: identity.xrpcPort, apiKeyFile: keyFile, extra: configured)
                defer { third.child.signal(SIGTERM) }
                try await Self.eventually("a pass of the restarted feed") {
                    (try await third.metric("voucherd_issuance_referral_feed_position") ?? 0) > 0
                }
                try await third.withClient(fixture) { client in
                    #expect(try await Self.wallet(client, consumerID: inviter.consumerID, token: actors.gatewayToken).count == 1)
                    try await identity.withClients(fixture) { identityClient, _ in
                        try await Self.invite(identityClient, code: inviter.inviteCode, names: ["e2e-invitee-4", "e2e-invitee-5", "e2e-invitee-6"], token: actors.gatewayToken)
                    }
                    try await Self.eventually("the second referral coupon") {
                        try await Self.wallet(client, consumerID: inviter.consumerID, token: actors.gatewayToken).count >= 2
                    }
                    #expect(try await Self.wallet(client, consumerID: inviter.consumerID, token: actors.gatewayToken).count == 2)
                }
                let last = await third.stop()
                #expect(last.status == 0 && !last.killed, "issuance did not stop cleanly: \(last.stderr)")
            }
        }
    }
}
