import Foundation
import Testing
import VoucherdModel

@Suite("Campaign rules")
struct CampaignRuleTests {
    let cny = CurrencyCode("CNY")!
    func yuan(_ amount: Int64) -> Money { Money(minorUnits: amount * 100, currency: cny) }

    /// 2026-11-23 is a Monday. Times are built in Asia/Shanghai (UTC+8).
    func shanghai(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar.date(from: DateComponents(year: 2026, month: 11, day: day, hour: hour, minute: minute))!
    }

    @Test func fixedAndRelativeValidity() {
        let claimed = shanghai(23, 12)
        let fixed = ValidityRule.fixed(start: shanghai(23, 0), end: shanghai(30, 0))
        #expect(fixed.period(claimedAt: claimed) == ValidityPeriod(start: shanghai(23, 0), end: shanghai(30, 0)))
        let relative = ValidityRule.afterClaim(days: 3, notAfter: nil).period(claimedAt: claimed)
        #expect(relative.contains(shanghai(26, 11)))
        #expect(!relative.contains(shanghai(26, 12)))
        let capped = ValidityRule.afterClaim(days: 30, notAfter: shanghai(25, 0)).period(claimedAt: claimed)
        #expect(capped.end == shanghai(25, 0))
        #expect(relative.endsSoon(after: shanghai(26, 0), within: 86_400))
        #expect(!relative.endsSoon(after: shanghai(24, 0), within: 86_400))
        #expect(ValidityRule.fixed(start: claimed, end: claimed).validationError() != nil)
        #expect(ValidityRule.afterClaim(days: 0, notAfter: nil).validationError()?.hasPrefix("validity.days_after_claim") == true)
    }

    @Test func afternoonTeaOnWeekdaysInTheMerchantsZone() {
        let tea = UsageWindow(days: [1, 2, 3, 4, 5], times: [.init(start: 14 * 60, end: 17 * 60)], timeZoneIdentifier: "Asia/Shanghai")
        #expect(tea.validationError() == nil)
        #expect(tea.contains(shanghai(23, 14)))          // Monday 14:00
        #expect(tea.contains(shanghai(27, 16, 59)))      // Friday 16:59
        #expect(!tea.contains(shanghai(23, 17)))         // Monday 17:00, end is exclusive
        #expect(!tea.contains(shanghai(28, 15)))         // Saturday
        // 14:30 in Shanghai is 06:30 UTC: the zone, not the server's clock, decides.
        #expect(tea.contains(shanghai(24, 14, 30)))
    }

    @Test func aRangePastMidnightBelongsToTheDayItStarts() {
        let lateFriday = UsageWindow(days: [5], times: [.init(start: 22 * 60, end: 2 * 60)], timeZoneIdentifier: "Asia/Shanghai")
        #expect(lateFriday.contains(shanghai(27, 23)))   // Friday 23:00
        #expect(lateFriday.contains(shanghai(28, 1)))    // Saturday 01:00, still Friday night
        #expect(!lateFriday.contains(shanghai(28, 23)))  // Saturday 23:00
        #expect(!lateFriday.contains(shanghai(27, 1)))   // Friday 01:00 belongs to Thursday night
    }

    @Test func windowValidationNamesTheField() {
        #expect(UsageWindow(timeZoneIdentifier: "Mars/Olympus").validationError()?.hasPrefix("time_zone") == true)
        #expect(UsageWindow(days: [0], timeZoneIdentifier: "UTC").validationError()?.hasPrefix("days") == true)
        #expect(UsageWindow(times: [.init(start: 60, end: 60)], timeZoneIdentifier: "UTC").validationError()?.hasPrefix("times") == true)
    }

    @Test func perUserLimits() {
        let limits = ClaimLimits(perUserTotal: 3, perUserPerDay: 1)
        #expect(limits.violation(claimedTotal: 0, claimedToday: 0) == nil)
        #expect(limits.violation(claimedTotal: 1, claimedToday: 1) == .perDay(1))
        #expect(limits.violation(claimedTotal: 3, claimedToday: 0) == .total(3))
        #expect(ClaimLimits(perUserTotal: 0, perUserPerDay: 0).violation(claimedTotal: 1_000, claimedToday: 1_000) == nil)
        #expect(ClaimLimits(perUserTotal: 1, perUserPerDay: 2).validationError() != nil)
    }

    @Test func eligibilityChecksInOrder() {
        let rules = ClaimEligibility(
            claimPeriod: ValidityPeriod(start: shanghai(23, 10), end: shanghai(24, 10)),
            allowedTiers: ["silver", "gold"],
            limits: ClaimLimits(perUserTotal: 1)
        )
        #expect(rules.refusal(now: shanghai(23, 9), tier: "gold", claimedTotal: 0, claimedToday: 0, remainingStock: 5) == .notStarted(shanghai(23, 10)))
        #expect(rules.refusal(now: shanghai(24, 10), tier: "gold", claimedTotal: 0, claimedToday: 0, remainingStock: 5) == .ended(shanghai(24, 10)))
        #expect(rules.refusal(now: shanghai(23, 11), tier: "regular", claimedTotal: 0, claimedToday: 0, remainingStock: 5) == .tierNotAllowed("regular"))
        #expect(rules.refusal(now: shanghai(23, 11), tier: "gold", claimedTotal: 1, claimedToday: 1, remainingStock: 5) == .limitReached(.total(1)))
        #expect(rules.refusal(now: shanghai(23, 11), tier: "gold", claimedTotal: 0, claimedToday: 0, remainingStock: 0) == .outOfStock)
        #expect(rules.refusal(now: shanghai(23, 11), tier: "silver", claimedTotal: 0, claimedToday: 0, remainingStock: 1) == nil)
    }

    @Test func variantsAreStableAndFollowTheirWeights() {
        let ab = VariantAssignment(variants: [.init(name: "A", weight: 1), .init(name: "B", weight: 3)])
        #expect(ab.validationError() == nil)
        var counts = [0, 0]
        for user in 0..<20_000 {
            let index = ab.variantIndex(campaignID: "cmp_1", consumerID: "con_\(user)")
            #expect(index == ab.variantIndex(campaignID: "cmp_1", consumerID: "con_\(user)"))
            counts[index] += 1
        }
        // 1:3 within a few percent.
        #expect((4_500...5_500).contains(counts[0]), "\(counts)")
        // Pinned values, computed by an independent Python implementation of the same hash:
        // changing the hash would silently move every consumer to another variant.
        let pinned = (0..<16).map { ab.variantIndex(campaignID: "cmp_1", consumerID: "con_\($0)") }
        #expect(pinned == [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1])
        #expect(VariantAssignment(variants: []).validationError() != nil)
        #expect(VariantAssignment(variants: [.init(name: "A", weight: 1), .init(name: "A", weight: 1)]).validationError() != nil)
    }

    @Test func benefitsPriceTheEligibleAmount() throws {
        // 满100减20
        let threshold = Benefit.threshold(threshold: yuan(100), off: yuan(20))
        #expect(try threshold.discount(on: yuan(99)) == yuan(0))
        #expect(try threshold.discount(on: yuan(100)) == yuan(20))
        // 8折, at most 30 off
        let eightyPercent = Benefit.percentage(percentOff: 20, cap: yuan(30), threshold: nil)
        #expect(try eightyPercent.discount(on: yuan(100)) == yuan(20))
        #expect(try eightyPercent.discount(on: yuan(500)) == yuan(30))
        // A fixed amount or a gift card never takes off more than the order.
        #expect(try Benefit.fixedAmount(off: yuan(50)).discount(on: yuan(30)) == yuan(30))
        #expect(try Benefit.storedValue(balance: yuan(200)).discount(on: yuan(80)) == yuan(80))
        #expect(try Benefit.paidVoucher(faceValue: yuan(100), price: yuan(79)).discount(on: yuan(120)) == yuan(100))
        #expect(try Benefit.freeItem(sku: "latte").discount(on: yuan(10)) == yuan(0))
        #expect(throws: MoneyError.self) { try threshold.discount(on: Money(minorUnits: 10_000, currency: CurrencyCode("USD")!)) }
        #expect(threshold.faceValue == yuan(20))
        #expect(Benefit.percentage(percentOff: 20, cap: nil, threshold: nil).faceValue == nil)
    }

    @Test func benefitValidationNamesTheField() {
        #expect(Benefit.threshold(threshold: yuan(10), off: yuan(20)).validationError()?.hasPrefix("benefit.threshold") == true)
        #expect(Benefit.percentage(percentOff: 100, cap: nil, threshold: nil).validationError()?.hasPrefix("benefit.percent_off") == true)
        #expect(Benefit.paidVoucher(faceValue: yuan(100), price: yuan(120)).validationError()?.hasPrefix("benefit.price") == true)
        #expect(Benefit.fixedAmount(off: yuan(0)).validationError()?.hasPrefix("benefit.off") == true)
        #expect(Benefit.freeItem(sku: "").validationError()?.hasPrefix("benefit.sku") == true)
    }
}
