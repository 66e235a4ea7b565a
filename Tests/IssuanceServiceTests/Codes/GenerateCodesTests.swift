import Foundation
import GRDB
import GRPCCore
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct GenerateCodesTests {
    @Test func generatesUniqueCodesOfTheFormatAndStreamsProgressPerChunk() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 70_000) { $0.codeFormat.prefix = "TEA-" }
            let count = IssuanceService.codesPerChunk + 10_000
            let progress = try await harness.generate(campaign.campaignID, count: UInt64(count))
            #expect(progress.map(\.generated) == [UInt64(IssuanceService.codesPerChunk), UInt64(count)])
            #expect(progress.map(\.total) == [UInt64(count), UInt64(count)])
            #expect(progress.map(\.done) == [false, true])
            let codes = try await harness.environment.store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT code FROM campaign_codes WHERE campaign_id = ?", arguments: [campaign.campaignID])
            }
            #expect(codes.count == count)
            #expect(Set(codes).count == count)
            let format = CouponCodeFormat(prefix: "TEA-")
            #expect(codes.allSatisfy { format.parse($0)?.canonical == $0 })
            #expect(try await harness.count("SELECT codes_generated FROM campaigns") == count)
            let types = try await harness.environment.store.pool.read { db in
                try harness.environment.outbox.events(producer: "issuance", after: 0, limit: 10, in: db).map(\.type)
            }
            #expect(types.last == "issuance.codes.generated")
        }
    }

    @Test func staysWithinTheRemainingInventory() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 100)
            try await harness.generate(campaign.campaignID, count: 60)
            await expectStatus(.invalidArgument, field: "count") {
                _ = try await harness.generate(campaign.campaignID, count: 41)
            }
            try await harness.generate(campaign.campaignID, count: 40)
            #expect(try await harness.count("SELECT COUNT(*) FROM campaign_codes") == 100)
            await expectStatus(.invalidArgument, field: "count") {
                _ = try await harness.generate(campaign.campaignID, count: 1)
            }
        }
    }

    @Test func retryAfterCompletionAnswersWithoutGenerating() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 100)
            let first = try await harness.generate(campaign.campaignID, count: 30, key: "run-1")
            let again = try await harness.generate(campaign.campaignID, count: 30, key: "run-1")
            #expect(first.last == again.last)
            #expect(again.count == 1 && again[0].done)
            #expect(try await harness.count("SELECT COUNT(*) FROM campaign_codes") == 30)
            await expectStatus(.failedPrecondition) {
                _ = try await harness.generate(campaign.campaignID, count: 31, key: "run-1")
            }
        }
    }

    @Test func retryAfterAnInterruptedRunContinuesIt() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 100)
            var request = Voucherd_V1_GenerateCodesRequest()
            request.campaignID = campaign.campaignID
            request.count = 80
            request.idempotencyKey = "run-crashed"
            let hash = try RequestChecks.digest(request)
            // What a crash after the run was recorded leaves behind: the run, no codes yet.
            try await harness.environment.writer.write { db in
                try CodeRunRepository.insert(
                    .init(principal: "acct-m1", key: "run-crashed", requestHash: hash, campaignID: campaign.campaignID, total: 80, generated: 0),
                    now: 0, in: db)
            }
            // Its reservation holds: only 20 are left for other runs.
            await expectStatus(.invalidArgument, field: "count") { _ = try await harness.generate(campaign.campaignID, count: 21) }
            let progress = try await harness.generate(campaign.campaignID, count: 80, key: "run-crashed")
            #expect(progress.last?.generated == 80 && progress.last?.done == true)
            #expect(try await harness.count("SELECT COUNT(*) FROM campaign_codes") == 80)
        }
    }

    @Test func onlyTheCampaignsMerchantAndOperatorsGenerate() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 100)
            await expectStatus(.permissionDenied) { _ = try await harness.generate(campaign.campaignID, count: 1, as: Fixtures.merchant("m2")) }
            await expectStatus(.permissionDenied) { _ = try await harness.generate(campaign.campaignID, count: 1, as: Fixtures.consumer("c1")) }
            try await harness.generate(campaign.campaignID, count: 1, as: Fixtures.merchant("m1", staff: true))
            try await harness.generate(campaign.campaignID, count: 1, as: Fixtures.operator)
            #expect(try await harness.count("SELECT COUNT(*) FROM campaign_codes") == 2)
        }
    }

    @Test func refusesBadInputNamingTheField() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 100)
            await expectStatus(.invalidArgument, field: "count") { _ = try await harness.generate(campaign.campaignID, count: 0) }
            await expectStatus(.invalidArgument, field: "count") { _ = try await harness.generate(campaign.campaignID, count: 10_000_001) }
            await expectStatus(.invalidArgument, field: "campaign_id") { _ = try await harness.generate("nope", count: 1) }
            await expectStatus(.invalidArgument, field: "idempotency_key") {
                _ = try await harness.generate(campaign.campaignID, count: 1, key: "")
            }
            await expectStatus(.notFound) { _ = try await harness.generate("cmp_missing", count: 1) }
            let claims = try await harness.activeCampaign()
            await expectStatus(.failedPrecondition) { _ = try await harness.generate(claims.campaignID, count: 1) }
        }
    }
}
