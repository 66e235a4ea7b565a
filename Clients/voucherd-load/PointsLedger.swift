import Synchronization

/// What the points scenario's callers were told: per consumer, the points of acknowledged
/// accruals, and of failed ones (which may or may not have been applied).
final class PointsLedger: Sendable {
    struct State: Sendable {
        var acknowledged: [Int64]
        var uncertain: [Int64]
        var acknowledgedCalls = 0
    }

    private let state: Mutex<State>

    init(consumers: Int) {
        self.state = Mutex(State(acknowledged: Array(repeating: 0, count: consumers), uncertain: Array(repeating: 0, count: consumers)))
    }

    func acknowledge(consumer: Int, points: Int64) {
        self.state.withLock {
            $0.acknowledged[consumer] += points
            $0.acknowledgedCalls += 1
        }
    }

    func uncertain(consumer: Int, points: Int64) {
        self.state.withLock { $0.uncertain[consumer] += points }
    }

    var snapshot: State { self.state.withLock { $0 } }

    /// Invariant 5 from the client's side: every balance moved by exactly the acknowledged
    /// accruals (plus at most the failed ones, which a server may have applied before the
    /// answer was lost).
    static func checks(state: State, before: [Int64], after: [Int64], okCalls: Int) -> [Check] {
        var exact = 0
        var withinUncertain = 0
        var wrong: [String] = []
        for index in before.indices {
            let moved = after[index] - before[index]
            let acknowledged = state.acknowledged[index]
            if moved == acknowledged {
                exact += 1
            } else if moved > acknowledged && moved <= acknowledged + state.uncertain[index] {
                withinUncertain += 1
            } else if wrong.count < 5 {
                wrong.append("#\(index): moved \(moved), acknowledged \(acknowledged)")
            }
        }
        let mismatched = before.count - exact - withinUncertain
        let totalAcknowledged = state.acknowledged.reduce(0, +)
        return [
            Check(
                "balance change == acknowledged accruals, per consumer",
                passed: mismatched == 0,
                detail: "\(exact) exact, \(withinUncertain) explained by failed calls, \(mismatched) wrong"
                    + (wrong.isEmpty ? "" : " (" + wrong.joined(separator: "; ") + ")")
                    + "; \(totalAcknowledged) points acknowledged"),
            Check(
                "every answered call was recorded",
                passed: state.acknowledgedCalls == okCalls,
                detail: "\(state.acknowledgedCalls) recorded, \(okCalls) answered ok"),
        ]
    }
}
