import Synchronization

/// What the flash sale's callers were told: coupons won per user, and attempts that failed
/// without an answer (a server may have issued a coupon for them).
final class FlashSaleLedger: Sendable {
    struct State: Sendable {
        var wins: [Int]
        var uncertain: [Int]
        var couponIDs: Set<String> = []
        /// Coupon ids answered more than once (to different attempts).
        var duplicateCoupons = 0
        /// Coupons answered for another consumer or campaign than the claim's.
        var misaddressedCoupons = 0
    }

    private let state: Mutex<State>

    init(users: Int) {
        self.state = Mutex(State(wins: Array(repeating: 0, count: users), uncertain: Array(repeating: 0, count: users)))
    }

    /// Records a claimed coupon; `addressedCorrectly` says it names the claimer and campaign.
    func win(user: Int, couponID: String, addressedCorrectly: Bool) {
        self.state.withLock {
            $0.wins[user] += 1
            if !$0.couponIDs.insert(couponID).inserted { $0.duplicateCoupons += 1 }
            if !addressedCorrectly { $0.misaddressedCoupons += 1 }
        }
    }

    func uncertain(user: Int) {
        self.state.withLock { $0.uncertain[user] += 1 }
    }

    var snapshot: State { self.state.withLock { $0 } }
}
