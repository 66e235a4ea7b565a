import Foundation
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct CampaignRuleTests {
    @Test(arguments: [
        (CampaignStatus.draft, CampaignTransition.activate, CampaignStatus?.some(.active)),
        (.draft, .pause, nil),
        (.draft, .end, .ended),
        (.active, .activate, nil),
        (.active, .pause, .paused),
        (.active, .end, .ended),
        (.paused, .activate, .active),
        (.paused, .pause, nil),
        (.paused, .end, .ended),
        (.ended, .activate, nil),
        (.ended, .pause, nil),
        (.ended, .end, nil),
    ])
    func lifecycleTable(from: CampaignStatus, transition: CampaignTransition, to: CampaignStatus?) {
        #expect(from.applying(transition) == to)
    }

    @Test func pageTokensRoundTripAndRejectForgeries() throws {
        let token = PageToken(micros: 1_234_567, id: "cmp_abc")
        #expect(try PageToken.decode(token.encoded) == token)
        #expect(try PageToken.decode("") == nil)
        #expect(throws: IssuanceError.self) { try PageToken.decode("djF8eA") }
    }

    @Test func ruleErrorsAreRenamedToProtoPaths() {
        #expect(RequestChecks.ruleError("benefit.off: must be positive", prefix: "benefit", replacement: "rules.variants[0].benefit.fixed_amount")
            == .invalidArgument(field: "rules.variants[0].benefit.fixed_amount.off", reason: "must be positive"))
        #expect(RequestChecks.ruleError("limits.per_user_total: must not be negative", prefix: "limits", replacement: "rules")
            == .invalidArgument(field: "rules.per_user_total", reason: "must not be negative"))
        #expect(RequestChecks.ruleError("days: weekdays are 1 (Monday) to 7 (Sunday)", prefix: "", replacement: "rules.claim_window")
            == .invalidArgument(field: "rules.claim_window.days", reason: "weekdays are 1 (Monday) to 7 (Sunday)"))
    }

    @Test func campaignEditsAfterDraftOnlyGrow() throws {
        var request = Voucherd_V1_UpdateCampaignRequest()
        request.inventory = 5
        var record = CampaignRecord(
            id: "cmp_1", merchantID: "m1", name: "n", description: "", status: .active, distribution: .claim,
            codeBinding: .unspecified, codeFormat: .init(), benefit: .init(), storedRules: .init(), timeZone: "UTC",
            claimEndMicros: CampaignPolicy.noEnd, inventory: 10, issued: 2, budget: nil, budgetUsedMinor: 0,
            redeemed: 0, codesGenerated: 0, createdAtMicros: 0, updatedAtMicros: 0)
        #expect(throws: IssuanceError.self) { _ = try CampaignEdit(request: request, budget: nil).apply(to: &record) }
        record.status = .draft
        #expect(try CampaignEdit(request: request, budget: nil).apply(to: &record) == ["inventory"])
        request.inventory = 1
        #expect(throws: IssuanceError.self) { _ = try CampaignEdit(request: request, budget: nil).apply(to: &record) }
    }

    @Test func dayKeysFollowTheCampaignsTimeZone() throws {
        var benefit = Voucherd_V1_Benefit()
        benefit.fixedAmount.off = Fixtures.money(100)
        var rules = Voucherd_V1_CampaignRules()
        rules.validity.afterClaim.days = 1
        rules.inventory = 1
        let shanghai = try CampaignPolicy(benefit: benefit, rules: rules, timeZone: #require(TimeZone(identifier: "Asia/Shanghai")))
        // 2026-11-23 17:00 UTC is already the 24th in Shanghai.
        let instant = Date(timeIntervalSince1970: 1_795_453_200)
        #expect(shanghai.day(of: instant) == "2026-11-24")
    }
}
