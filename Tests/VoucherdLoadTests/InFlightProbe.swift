import Synchronization

/// Counts calls in flight in a fake call closure, and the most seen at once.
final class InFlightProbe: Sendable {
    private struct State {
        var current = 0
        var most = 0
        var indices: [Int] = []
    }

    private let state = Mutex(State())

    func enter(_ index: Int) {
        self.state.withLock {
            $0.current += 1
            $0.most = max($0.most, $0.current)
            $0.indices.append(index)
        }
    }

    func leave() { self.state.withLock { $0.current -= 1 } }

    var most: Int { self.state.withLock { $0.most } }
    var current: Int { self.state.withLock { $0.current } }
    var indices: [Int] { self.state.withLock { $0.indices } }
}
