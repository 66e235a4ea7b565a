import GRPCCore
import Testing
import VoucherdModel

@testable import voucherd_load

@Suite("Flash-sale verification")
struct FlashSaleVerificationTests {
    /// Three users, limit 1, stock 2: users 0 and 1 won once each.
    static func verification(
        wins: [Int] = [1, 1, 0], uncertain: [Int] = [0, 0, 0], failures: Int = 0, issuedAfter: UInt64 = 2,
        walletCounts: [Int: Int]? = [0: 1, 1: 1], duplicate: Int = 0
    ) -> FlashSaleVerification {
        var ledger = FlashSaleLedger.State(wins: wins, uncertain: uncertain)
        ledger.couponIDs = Set((0..<wins.reduce(0, +)).map { "cpn_\($0)" })
        ledger.duplicateCoupons = duplicate
        return FlashSaleVerification(
            attemptsPerUser: [5, 3, 2], ledger: ledger, perUserLimit: 1, inventory: 2, issuedBefore: 0, remainingBefore: 2,
            issuedAfter: issuedAfter, failures: failures, walletCounts: walletCounts)
    }

    @Test("a correct sale passes every check")
    func correctSale() {
        let verification = Self.verification()
        #expect(verification.demand == 3)
        #expect(verification.expectedWinners == 2)
        #expect(verification.checks.count == 5)
        let allPassed = verification.checks.allSatisfy(\.passed)
        #expect(allPassed)
    }

    @Test("demand, not stock, bounds the winners when stock is plentiful")
    func demandBound() {
        var verification = Self.verification()
        verification.remainingBefore = 100
        verification.inventory = 100
        #expect(verification.expectedWinners == 3)
        #expect(!verification.checks[0].passed)
    }

    @Test("a user above the limit fails, by answers and by wallet")
    func overLimit() {
        let checks = Self.verification(wins: [2, 0, 0], walletCounts: [0: 2]).checks
        #expect(!checks[1].passed)
        #expect(!checks[4].passed)
    }

    @Test("an oversold campaign fails the stock check")
    func oversold() {
        var verification = Self.verification(issuedAfter: 3)
        verification.inventory = 2
        #expect(!verification.checks[2].passed)
    }

    @Test("unanswered failures make exactness unprovable")
    func failuresFail() {
        let checks = Self.verification(wins: [1, 0, 0], uncertain: [0, 1, 0], failures: 1, walletCounts: [0: 1, 1: 1]).checks
        #expect(!checks[0].passed)
        #expect(checks[0].detail.contains("failed unanswered"))
        // The wallet may hold the coupon a lost answer was for.
        #expect(checks[4].passed)
    }

    @Test("a repeated coupon id fails")
    func duplicateCoupon() {
        #expect(!Self.verification(duplicate: 1).checks[3].passed)
    }

    @Test("a wallet missing a coupon that was answered fails")
    func walletMissing() {
        #expect(!Self.verification(walletCounts: [0: 1, 1: 0]).checks[4].passed)
        #expect(Self.verification(walletCounts: nil).checks.count == 4)
    }

    @Test("ClaimCoupon's documented refusals are outcomes; other errors are failures")
    func outcomes() {
        #expect(FlashSaleScenario.outcome(for: RPCError(code: .resourceExhausted, message: "")) == FlashSaleScenario.soldOut)
        #expect(FlashSaleScenario.outcome(for: RPCError(code: .failedPrecondition, message: "")) == FlashSaleScenario.limitReached)
        #expect(FlashSaleScenario.outcome(for: RPCError(code: .unauthenticated, message: "")) == nil)
        #expect(FlashSaleScenario.outcome(for: CancellationError()) == nil)
    }

    @Test("the effective limit is the stricter non-zero limit")
    func effectiveLimit() {
        var rules = Voucherd_V1_CampaignRules()
        #expect(FlashSaleScenario.effectiveLimit(rules) == 0)
        rules.perUserTotal = 3
        #expect(FlashSaleScenario.effectiveLimit(rules) == 3)
        rules.perUserPerDay = 2
        #expect(FlashSaleScenario.effectiveLimit(rules) == 2)
    }

    @Test("the user picker is deterministic, in range and roughly uniform")
    func picker() {
        let picker = UserPicker(seed: 42, users: 100)
        let counts = picker.attemptsPerUser(attempts: 100_000)
        #expect(counts.reduce(0, +) == 100_000)
        #expect(counts.allSatisfy { (800...1200).contains($0) })
        #expect(picker.user(for: 7) == UserPicker(seed: 42, users: 100).user(for: 7))
        #expect((0..<100).map(picker.user(for:)) != (0..<100).map(UserPicker(seed: 43, users: 100).user(for:)))
    }

    @Test("the setup campaign is a claim campaign with the asked inventory and limit")
    func setupRequest() {
        let request = CampaignSetup(merchantID: "mer_1", inventory: 10_000, perUserLimit: 1, currency: "CNY")
            .request(runID: "abc", nowMicros: 1_000_000_000)
        #expect(request.merchantID == "mer_1")
        #expect(request.distribution == .claim)
        #expect(request.rules.inventory == 10_000)
        #expect(request.rules.perUserTotal == 1)
        #expect(request.rules.claimStartMicros < 1_000_000_000 && request.rules.claimEndMicros > 1_000_000_000)
        #expect(request.benefit.fixedAmount.off.currency == "CNY")
        #expect(request.idempotencyKey.contains("abc"))
    }

    @Test("points: balances that moved by the acknowledged accruals pass, others fail")
    func pointsChecks() {
        let state = PointsLedger.State(acknowledged: [10, 5], uncertain: [0, 3], acknowledgedCalls: 4)
        let exact = PointsLedger.checks(state: state, before: [0, 100], after: [10, 105], okCalls: 4).allSatisfy(\.passed)
        let explained = PointsLedger.checks(state: state, before: [0, 100], after: [10, 108], okCalls: 4).allSatisfy(\.passed)
        #expect(exact)
        #expect(explained)
        #expect(!PointsLedger.checks(state: state, before: [0, 100], after: [11, 105], okCalls: 4)[0].passed)
        #expect(!PointsLedger.checks(state: state, before: [0, 100], after: [10, 105], okCalls: 5)[1].passed)
    }
}
