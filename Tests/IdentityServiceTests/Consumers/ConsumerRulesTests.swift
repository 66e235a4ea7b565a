import GRDB
@testable import IdentityService
import Testing
import VoucherdStore

@Suite struct PointsLedgerRulesTests {
    @Test func accrualAddsToBalanceAndLifetimeTotals() throws {
        let result = try PointsLedgerRules.accrue(
            balance: 10, lifetimePoints: 50, lifetimeSpendMinorUnits: 1_000, points: 5, spendMinorUnits: 500)
        #expect(result == .init(balance: 15, lifetimePoints: 55, lifetimeSpendMinorUnits: 1_500))
    }

    @Test(arguments: [Int64.min, -1, 0, 10_000_001, Int64.max])
    func pointsOutsideTheRangeAreRefused(points: Int64) {
        #expect(throws: PointsLedgerRules.Violation.pointsOutOfRange(points)) {
            try PointsLedgerRules.spend(balance: .max, points: points)
        }
        #expect(throws: PointsLedgerRules.Violation.pointsOutOfRange(points)) {
            try PointsLedgerRules.accrue(
                balance: 0, lifetimePoints: 0, lifetimeSpendMinorUnits: 0, points: points, spendMinorUnits: 0)
        }
    }

    @Test func spendNeverGoesBelowZero() throws {
        #expect(try PointsLedgerRules.spend(balance: 10, points: 10) == 0)
        #expect(throws: PointsLedgerRules.Violation.insufficientBalance(balance: 9, requested: 10)) {
            try PointsLedgerRules.spend(balance: 9, points: 10)
        }
    }

    @Test func refundIsLimitedToWhatIsLeftOfItsSpend() throws {
        #expect(PointsLedgerRules.refundable(spent: 100, refunded: 30) == 70)
        #expect(PointsLedgerRules.refundable(spent: 100, refunded: 130) == 0)
        #expect(try PointsLedgerRules.refund(balance: 5, spent: 100, refunded: 30, points: 70) == 75)
        #expect(throws: PointsLedgerRules.Violation.refundExceedsSpend(remaining: 70, requested: 71)) {
            try PointsLedgerRules.refund(balance: 5, spent: 100, refunded: 30, points: 71)
        }
    }

    @Test func overflowIsRefused() {
        #expect(throws: PointsLedgerRules.Violation.overflow) {
            try PointsLedgerRules.accrue(
                balance: .max - 1, lifetimePoints: 0, lifetimeSpendMinorUnits: 0, points: 2, spendMinorUnits: 0)
        }
        #expect(throws: PointsLedgerRules.Violation.overflow) {
            try PointsLedgerRules.accrue(
                balance: 0, lifetimePoints: 0, lifetimeSpendMinorUnits: .max, points: 1, spendMinorUnits: 1)
        }
    }
}

@Suite struct MemberPolicyTests {
    let policy = MemberPolicy()

    @Test func defaultsAreCNYWithSilverAndGold() {
        #expect(policy.currency == "CNY")
        #expect(policy.evaluate(current: .regular, lifetimeSpendMinorUnits: 99_999, lifetimePoints: 4_999) == nil)
    }

    @Test func silverBySpendOrByPoints() {
        #expect(
            policy.evaluate(current: .regular, lifetimeSpendMinorUnits: 100_000, lifetimePoints: 0)
                == .init(tier: .silver, reason: "lifetime_spend >= 100000"))
        #expect(
            policy.evaluate(current: .regular, lifetimeSpendMinorUnits: 0, lifetimePoints: 5_000)
                == .init(tier: .silver, reason: "lifetime_points >= 5000"))
    }

    @Test func jumpsStraightToTheHighestTierReached() {
        #expect(
            policy.evaluate(current: .regular, lifetimeSpendMinorUnits: 0, lifetimePoints: 20_000)
                == .init(tier: .gold, reason: "lifetime_points >= 20000"))
    }

    @Test func neverDowngradesNorRepeats() {
        #expect(policy.evaluate(current: .gold, lifetimeSpendMinorUnits: 100_000, lifetimePoints: 0) == nil)
        #expect(policy.evaluate(current: .silver, lifetimeSpendMinorUnits: 100_000, lifetimePoints: 5_000) == nil)
    }

    @Test func customRulesAndNilMinimums() {
        let custom = MemberPolicy(
            currency: "USD",
            rules: [
                .init(tier: .gold, minimumLifetimeSpendMinorUnits: nil, minimumLifetimePoints: 10),
                .init(tier: .silver, minimumLifetimeSpendMinorUnits: 1, minimumLifetimePoints: nil),
            ])
        #expect(custom.evaluate(current: .regular, lifetimeSpendMinorUnits: 0, lifetimePoints: 9) == nil)
        #expect(custom.evaluate(current: .regular, lifetimeSpendMinorUnits: 1, lifetimePoints: 0)?.tier == .silver)
        #expect(custom.evaluate(current: .regular, lifetimeSpendMinorUnits: 1, lifetimePoints: 10)?.tier == .gold)
    }
}

@Suite struct ReferralPolicyAndCodeTests {
    @Test func rewardAtEveryMultipleOfTheThreshold() {
        let policy = ReferralPolicy()
        #expect(policy.threshold == 3 && policy.rewardMinorUnits == 5_000 && policy.rewardCurrency == "CNY")
        #expect((0...9).filter { policy.earnsReward(invitees: $0) } == [3, 6, 9])
        #expect(!ReferralPolicy(threshold: 0).earnsReward(invitees: 3))
    }

    @Test func inviteCodesAreReadableAndNormalised() {
        let code = ConsumerIdentifiers.inviteCode()
        #expect(code.count == 8)
        #expect(ConsumerIdentifiers.normalizedInviteCode(code) == code)
        #expect(ConsumerIdentifiers.normalizedInviteCode("abcd-efgo") == "ABCDEFG0")
        #expect(ConsumerIdentifiers.normalizedInviteCode("il23 4567") == "11234567")
        #expect(ConsumerIdentifiers.normalizedInviteCode("ABCDEFGU") == nil)
        #expect(ConsumerIdentifiers.normalizedInviteCode("ABC") == nil)
        #expect(Set((0..<1_000).map { _ in ConsumerIdentifiers.inviteCode() }).count == 1_000)
    }
}
