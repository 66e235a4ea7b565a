/// Invariant 1 for a flash sale, from the client's side: what the answers, the campaign's
/// stock and the winners' wallets must agree on. Pure, so the tests can feed it figures.
struct FlashSaleVerification: Sendable {
    /// Attempts per user in the timed phase.
    var attemptsPerUser: [Int]
    var ledger: FlashSaleLedger.State
    /// Coupons per user, counting the stricter of the total and per-day limits; 0: none.
    var perUserLimit: Int
    var inventory: UInt64
    var issuedBefore: UInt64
    var remainingBefore: UInt64
    var issuedAfter: UInt64
    /// Calls that failed without an answer.
    var failures: Int
    /// Coupons of this campaign found in each checked user's wallet; nil when not checked.
    var walletCounts: [Int: Int]?

    var winners: Int { self.ledger.wins.reduce(0, +) }

    /// Coupons the attempts could have won with unlimited stock.
    var demand: Int {
        self.attemptsPerUser.reduce(0) { $0 + (self.perUserLimit > 0 ? min($1, self.perUserLimit) : $1) }
    }

    /// Exactly this many attempts must win when every attempt was answered.
    var expectedWinners: Int { Int(min(UInt64(self.demand), self.remainingBefore)) }

    var checks: [Check] {
        var checks: [Check] = []
        let winners = self.winners
        checks.append(
            Check(
                "winners == min(remaining stock, demand)",
                passed: self.failures == 0 && winners == self.expectedWinners,
                detail: "\(winners) won, expected \(self.expectedWinners) (stock \(self.remainingBefore), demand \(self.demand))"
                    + (self.failures == 0 ? "" : "; \(self.failures) attempts failed unanswered, so exactness cannot be shown")))

        let most = self.ledger.wins.max() ?? 0
        let overLimit = self.perUserLimit > 0 ? self.ledger.wins.filter { $0 > self.perUserLimit }.count : 0
        checks.append(
            Check(
                "no user above the per-user limit (answers)",
                passed: overLimit == 0,
                detail: "limit \(self.perUserLimit == 0 ? "none" : String(self.perUserLimit)), most won by one user \(most), \(overLimit) users above"))

        let moved = self.issuedAfter >= self.issuedBefore ? Int(self.issuedAfter - self.issuedBefore) : -1
        let stockConsistent = moved >= winners && moved <= winners + self.failures && self.issuedAfter <= self.inventory
        checks.append(
            Check(
                "issued count moved by the winners, within inventory",
                passed: stockConsistent,
                detail: "issued \(self.issuedBefore) -> \(self.issuedAfter) of \(self.inventory), \(winners) answered wins"))

        checks.append(
            Check(
                "every coupon distinct, for its claimer and campaign",
                passed: self.ledger.duplicateCoupons == 0 && self.ledger.misaddressedCoupons == 0,
                detail: "\(self.ledger.couponIDs.count) distinct ids, \(self.ledger.duplicateCoupons) repeated, \(self.ledger.misaddressedCoupons) misaddressed"))

        if let walletCounts = self.walletCounts {
            var mismatched: [String] = []
            var mismatches = 0
            for (user, found) in walletCounts.sorted(by: { $0.key < $1.key }) {
                let won = self.ledger.wins[user]
                let allowed = won + self.ledger.uncertain[user]
                let overLimit = self.perUserLimit > 0 && found > self.perUserLimit
                if found < won || found > allowed || overLimit {
                    mismatches += 1
                    if mismatched.count < 5 { mismatched.append("user \(user): wallet \(found), won \(won)") }
                }
            }
            let total = walletCounts.values.reduce(0, +)
            checks.append(
                Check(
                    "each winner's wallet holds what it won, within the limit",
                    passed: mismatches == 0,
                    detail: "\(walletCounts.count) wallets, \(total) coupons, \(mismatches) wrong"
                        + (mismatched.isEmpty ? "" : " (" + mismatched.joined(separator: "; ") + ")")))
        }
        return checks
    }

    /// The design's targets for the flash sale (DESIGN.md §6): ≥ 20k attempts/s, p99 ≤ 25 ms.
    static func targets(attemptsPerSecond: Double, p99Ms: Double) -> [Check] {
        [
            Check("≥ 20000 attempts/s", passed: attemptsPerSecond >= 20_000, detail: LoadReport.fixed(attemptsPerSecond, 0) + " attempts/s"),
            Check("p99 ≤ 25 ms (all answered)", passed: p99Ms <= 25, detail: LoadReport.fixed(p99Ms, 3) + " ms"),
        ]
    }
}
