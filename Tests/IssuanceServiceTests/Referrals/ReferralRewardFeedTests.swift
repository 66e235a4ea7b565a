import Foundation
import GRDB
import GRPCCore
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

/// The referral reward feed's outcome handling, against a fake identity outbox: what advances the
/// position, what holds it, and that nothing is granted twice.
@Suite struct ReferralRewardFeedTests {
    /// A grant-only 无门槛 campaign the feed grants from.
    static func referralCampaign(_ harness: IssuanceHarness, inventory: UInt64 = 100) async throws -> String {
        try await harness.activeCampaign {
            $0.name = "Referral reward"
            $0.distribution = .grant
            $0.rules.perUserTotal = 0
            $0.rules.inventory = inventory
        }.campaignID
    }

    static func position(_ harness: IssuanceHarness) async throws -> UInt64 {
        try await harness.environment.store.pool.read { db in
            try FeedPositionRepository.position(of: ReferralRewardFeed.sourceName, in: db)
        }
    }

    static func coupons(of consumerID: String, _ harness: IssuanceHarness) async throws -> Int {
        try await harness.environment.store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM coupons WHERE consumer_id = ?", arguments: [consumerID]) ?? -1
        }
    }

    static func configuration(pageSize: UInt32 = 100) -> ReferralRewardFeed.Configuration {
        var configuration = ReferralRewardFeed.Configuration()
        configuration.pageSize = pageSize
        return configuration
    }

    @Test func grantsEachCommandOnceAndResumesAfterARestart() async throws {
        try await withIssuanceService { harness in
            let campaign = try await Self.referralCampaign(harness)
            let source = FakeReferralCommandSource()
            source.appendOther()
            source.append(referralCommand("ref-a", campaignID: campaign))
            source.appendOther()
            source.append(referralCommand("ref-b", consumerID: "other", campaignID: campaign))
            source.appendOther()
            let feed = ReferralRewardFeed(service: harness.service, source: source, configuration: Self.configuration())
            #expect(await feed.pass() == .idle)
            #expect(try await Self.coupons(of: "inviter", harness) == 1)
            #expect(try await Self.coupons(of: "other", harness) == 1)
            // Past the commands and past the events the filter dropped after them.
            #expect(try await Self.position(harness) == 5)
            let status = await feed.status
            #expect(status.granted == 2 && status.refused == 0 && status.blockedAt == nil && status.lastSequence == 5)

            #expect(await feed.pass() == .idle)
            // A new feed on the same store (a restart) starts after position 5.
            let restarted = ReferralRewardFeed(service: harness.service, source: source, configuration: Self.configuration())
            #expect(await restarted.pass() == .idle)
            #expect(await restarted.status.granted == 0)
            #expect(try await Self.coupons(of: "inviter", harness) == 1)
        }
    }

    @Test func reapplyingACommandGrantsNothingNew() async throws {
        try await withIssuanceService { harness in
            let campaign = try await Self.referralCampaign(harness)
            let source = FakeReferralCommandSource()
            source.append(referralCommand("ref-a", campaignID: campaign))
            let feed = ReferralRewardFeed(service: harness.service, source: source)
            #expect(await feed.pass() == .idle)
            // As if the position had been lost: grants are idempotent by command_id.
            try await harness.environment.writer.write { db in try db.execute(sql: "DELETE FROM feed_positions") }
            let again = ReferralRewardFeed(service: harness.service, source: source)
            #expect(await again.pass() == .idle)
            #expect(await again.status.granted == 1, "the grant ran and returned the first coupon")
            #expect(try await Self.coupons(of: "inviter", harness) == 1)
        }
    }

    @Test func anUnknownConfiguredCampaignIsOwedNotRefused() async throws {
        var configuration = IssuanceConfiguration()
        configuration.referralCampaignID = "cmp_later"
        try await withIssuanceService(configuration: configuration) { harness in
            let source = FakeReferralCommandSource()
            source.append(referralCommand("ref-a"))
            let feed = ReferralRewardFeed(service: harness.service, source: source)
            // The command names no campaign, so the configured one applies; it does not exist
            // (yet): the reward is owed, not refused.
            #expect(await feed.pass() == .blocked(sequence: 1, code: .notFound))
            let position = try await Self.position(harness)
            #expect(position == 0)
        }
    }

    @Test func malformedCommandsAreCountedAndPassedOver() async throws {
        try await withIssuanceService { harness in
            let campaign = try await Self.referralCampaign(harness)
            let source = FakeReferralCommandSource()
            source.append(payload: Data([0xFF, 0xFF, 0xFF]))  // not a ReferralRewardCommand
            source.append(referralCommand("", campaignID: campaign))  // no command_id: INVALID_ARGUMENT
            source.append(referralCommand("ref-ok", campaignID: campaign))
            let feed = ReferralRewardFeed(service: harness.service, source: source)
            #expect(await feed.pass() == .idle)
            let status = await feed.status
            #expect(status.refused == 2 && status.granted == 1 && status.blockedAt == nil)
            #expect(try await Self.position(harness) == 3)
            #expect(try await Self.coupons(of: "inviter", harness) == 1)
        }
    }

    @Test func noReferralCampaignHoldsThePositionUntilOneIsConfigured() async throws {
        try await withIssuanceService { harness in
            let source = FakeReferralCommandSource()
            source.append(referralCommand("ref-a"))
            let feed = ReferralRewardFeed(service: harness.service, source: source)
            #expect(await feed.pass() == .blocked(sequence: 1, code: .failedPrecondition))
            #expect(await feed.pass() == .blocked(sequence: 1, code: .failedPrecondition))
            let position = try await Self.position(harness)
            #expect(position == 0, "an owed reward must not be skipped")
            #expect(await feed.status.blockedAt == 1)
        }
    }

    @Test func aPausedCampaignBlocksAndResumingItUnblocks() async throws {
        try await withIssuanceService { harness in
            let campaign = try await Self.referralCampaign(harness)
            var transition = Voucherd_V1_CampaignTransitionRequest()
            transition.campaignID = campaign
            let owner = Fixtures.merchant("m1")
            _ = try await owner.run { try await harness.service.pauseCampaign(request: transition, context: IssuanceHarness.context()) }
            let source = FakeReferralCommandSource()
            source.append(referralCommand("ref-a", campaignID: campaign))
            source.append(referralCommand("ref-b", campaignID: campaign))
            let feed = ReferralRewardFeed(service: harness.service, source: source)
            #expect(await feed.pass() == .blocked(sequence: 1, code: .failedPrecondition))
            #expect(try await Self.coupons(of: "inviter", harness) == 0)

            _ = try await owner.run { try await harness.service.activateCampaign(request: transition, context: IssuanceHarness.context()) }
            #expect(await feed.pass() == .idle)
            #expect(await feed.status.blockedAt == nil)
            #expect(try await Self.coupons(of: "inviter", harness) == 2)
            #expect(try await Self.position(harness) == 2)
        }
    }

    @Test func aSoldOutCampaignBlocksAtTheFirstRewardItCannotGrant() async throws {
        try await withIssuanceService { harness in
            let campaign = try await Self.referralCampaign(harness, inventory: 1)
            let source = FakeReferralCommandSource()
            source.append(referralCommand("ref-a", campaignID: campaign))
            source.append(referralCommand("ref-b", campaignID: campaign))
            source.append(referralCommand("ref-c", campaignID: campaign))
            let feed = ReferralRewardFeed(service: harness.service, source: source)
            #expect(await feed.pass() == .blocked(sequence: 2, code: .resourceExhausted))
            #expect(try await Self.position(harness) == 1)
            #expect(await feed.status.granted == 1)
        }
    }

    @Test func anUnreachableIdentityIsRetriedWithoutMoving() async throws {
        try await withIssuanceService { harness in
            let campaign = try await Self.referralCampaign(harness)
            let source = FakeReferralCommandSource()
            source.append(referralCommand("ref-a", campaignID: campaign))
            source.fail(with: RPCError(code: .unavailable, message: "identity is down"))
            let feed = ReferralRewardFeed(service: harness.service, source: source)
            #expect(await feed.pass() == .failed)
            #expect(try await Self.position(harness) == 0)
            source.fail(with: nil)
            #expect(await feed.pass() == .idle)
            #expect(try await Self.position(harness) == 1)
        }
    }

    @Test func aFullPageIsFollowedAtOnce() async throws {
        try await withIssuanceService { harness in
            let campaign = try await Self.referralCampaign(harness)
            let source = FakeReferralCommandSource()
            for index in 0..<5 { source.append(referralCommand("ref-\(index)", consumerID: "c\(index)", campaignID: campaign)) }
            let feed = ReferralRewardFeed(service: harness.service, source: source, configuration: Self.configuration(pageSize: 2))
            #expect(await feed.pass() == .more)
            #expect(await feed.pass() == .more)
            #expect(await feed.pass() == .idle)
            #expect(try await Self.position(harness) == 5)
            #expect(await feed.status.granted == 5)
        }
    }

    @Test func runPollsUntilCancelled() async throws {
        try await withIssuanceService { harness in
            let campaign = try await Self.referralCampaign(harness)
            let source = FakeReferralCommandSource()
            var configuration = ReferralRewardFeed.Configuration()
            configuration.pollInterval = .milliseconds(10)
            let feed = ReferralRewardFeed(service: harness.service, source: source, configuration: configuration)
            let task = Task { await feed.run() }
            source.append(referralCommand("ref-a", campaignID: campaign))
            let deadline = ContinuousClock.now + .seconds(10)
            while try await Self.coupons(of: "inviter", harness) == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            task.cancel()
            await task.value
            #expect(try await Self.coupons(of: "inviter", harness) == 1)
        }
    }

    @Test(arguments: [
        (RPCError.Code.invalidArgument, ReferralRewardFeed.Disposition.refuse),
        (.failedPrecondition, .owe), (.resourceExhausted, .owe), (.notFound, .owe),
        (.unavailable, .retry), (.internalError, .retry), (.deadlineExceeded, .retry), (.permissionDenied, .retry),
    ])
    func eachStatusHasItsDisposition(code: RPCError.Code, disposition: ReferralRewardFeed.Disposition) {
        #expect(ReferralRewardFeed.disposition(of: code) == disposition)
    }
}
