import Foundation
import GRDB
import GRPCCore
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct ClaimCodeTests {
    /// The message every code-dependent failure carries.
    private static let uniform = IssuanceService.codeNotClaimable.rpcErrorMessage

    private func expectUniformNotFound(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected NOT_FOUND", sourceLocation: sourceLocation)
        } catch {
            let (code, message) = status(of: error)
            #expect(code == .notFound, sourceLocation: sourceLocation)
            #expect(message == Self.uniform, sourceLocation: sourceLocation)
        }
    }

    @Test func firstClaimerOwnsTheCouponAndOthersGetTheUniformNotFound() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign()
            try await harness.generate(campaign.campaignID, count: 5)
            let code = try #require(try await harness.export(campaign.campaignID).first?.code)
            let coupon = try await harness.claimCode(code, as: "c1", key: "k-1")
            #expect(coupon.consumerID == "c1")
            #expect(coupon.origin == "code")
            #expect(coupon.code == code)
            #expect(coupon.state == .issued)
            #expect(try await harness.claimCode(code, as: "c1", key: "k-1") == coupon)
            #expect(try await harness.claimCode(code, as: "c1").couponID == coupon.couponID)
            await expectUniformNotFound { _ = try await harness.claimCode(code, as: "c2") }
            #expect(try await harness.count("SELECT COUNT(*) FROM coupons") == 1)
            #expect(try await harness.count("SELECT issued FROM campaigns") == 1)
            let types = try await harness.environment.store.pool.read { db in
                try harness.environment.outbox.events(producer: "issuance", after: 0, limit: 20, in: db).map(\.type)
            }
            #expect(types.filter { $0 == "issuance.code.claimed" }.count == 1)
        }
    }

    @Test func readsCodesAsPeopleTypeThem() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign { $0.codeFormat.prefix = "SPRING" }
            try await harness.generate(campaign.campaignID, count: 3)
            let code = try #require(try await harness.export(campaign.campaignID).first?.code)
            #expect(code.hasPrefix("SPRING-"))
            let typed = code.lowercased().replacingOccurrences(of: "-", with: " ")
            let coupon = try await harness.claimCode(typed, as: "c1")
            #expect(coupon.code == code)
        }
    }

    @Test func typosUnknownCodesAndRefusalsAllLookTheSame() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign { $0.rules.perUserTotal = 1 }
            try await harness.generate(campaign.campaignID, count: 3)
            let codes = try await harness.export(campaign.campaignID).map(\.code)
            // One symbol changed: the check symbol catches it without a lookup.
            var typo = Array(codes[0])
            typo[0] = typo[0] == "A" ? "B" : "A"
            await expectUniformNotFound { _ = try await harness.claimCode(String(typo), as: "c1") }
            // Well formed, but never generated.
            await expectUniformNotFound { _ = try await harness.claimCode(CouponCodeFormat().generate().canonical, as: "c1") }
            await expectUniformNotFound { _ = try await harness.claimCode("hello", as: "c1") }
            // The per-user limit (one per consumer) answers the same.
            _ = try await harness.claimCode(codes[0], as: "c1")
            await expectUniformNotFound { _ = try await harness.claimCode(codes[1], as: "c1") }
            // So does a paused campaign.
            var pause = Voucherd_V1_CampaignTransitionRequest()
            pause.campaignID = campaign.campaignID
            _ = try await Fixtures.merchant("m1").run { try await harness.service.pauseCampaign(request: pause, context: IssuanceHarness.context()) }
            await expectUniformNotFound { _ = try await harness.claimCode(codes[2], as: "c2") }
            await expectStatus(.invalidArgument, field: "code") { _ = try await harness.claimCode("", as: "c2") }
        }
    }

    @Test func bearerCodesMakeOneUnownedCouponForWhoeverPresentsThem() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(binding: .bearer)
            try await harness.generate(campaign.campaignID, count: 2)
            let code = try #require(try await harness.export(campaign.campaignID).first?.code)
            let first = try await harness.claimCode(code, as: "c1")
            #expect(first.consumerID.isEmpty)
            #expect(first.origin == "code")
            let second = try await harness.claimCode(code, as: "c2")
            #expect(second.couponID == first.couponID)
            #expect(try await harness.count("SELECT issued FROM campaigns") == 1)
            #expect(try await harness.count("SELECT COUNT(*) FROM claim_counters") == 0)
        }
    }

    @Test func exportListsEveryCodeWithItsCoupon() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign()
            try await harness.generate(campaign.campaignID, count: 25)
            let before = try await harness.export(campaign.campaignID)
            #expect(before.count == 25)
            #expect(Set(before.map(\.code)).count == 25)
            #expect(before.allSatisfy { $0.couponID.isEmpty && $0.state == .unspecified })
            let coupon = try await harness.claimCode(before[7].code, as: "c1")
            let after = try await harness.export(campaign.campaignID, as: Fixtures.operator)
            #expect(after.map(\.code) == before.map(\.code))
            #expect(after[7].couponID == coupon.couponID && after[7].state == .issued)
            #expect(after.filter { !$0.couponID.isEmpty }.count == 1)
            await expectStatus(.permissionDenied) { _ = try await harness.export(campaign.campaignID, as: Fixtures.merchant("m2")) }
            await expectStatus(.permissionDenied) { _ = try await harness.export(campaign.campaignID, as: Fixtures.consumer("c1")) }
            let claims = try await harness.activeCampaign()
            await expectStatus(.failedPrecondition) { _ = try await harness.export(claims.campaignID) }
        }
    }
}
