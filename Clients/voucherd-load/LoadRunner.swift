import Synchronization

/// Runs one call closure with a fixed number of callers until a plan is done. Each caller
/// makes one call at a time and takes the next call index from a shared counter, so exactly
/// `concurrency` calls are in flight until the counter runs out, and every index in
/// `0..<attempts` is called exactly once.
struct LoadRunner: Sendable {
    /// Calls in flight.
    var concurrency: Int
    /// When to stop.
    var plan: LoadPlan
    /// When set, caller `c` is pinned to client `c % clients` and runs on its event loop.
    var pool: ClientPool?

    /// A call: given its index, returns how it ended, or throws for a failure.
    typealias Call = @Sendable (Int) async throws -> Outcome

    init(concurrency: Int, plan: LoadPlan, pool: ClientPool? = nil) {
        precondition(concurrency > 0, "concurrency must be positive")
        self.concurrency = concurrency
        self.plan = plan
        self.pool = pool
    }

    /// Runs the plan and returns what the callers counted.
    func run(_ call: @escaping Call) async -> Tally {
        let clock = ContinuousClock()
        let counter = CallCounter(limit: self.plan.requests)
        let start = clock.now
        let deadline = self.plan.duration.map { start.advanced(by: $0) }
        var total = await withTaskGroup(of: Tally.self) { group in
            for caller in 0..<self.concurrency {
                let slot = self.pool.map { caller % $0.clients.count }
                group.addTask(executorPreference: slot.flatMap { self.pool?.executors[$0] }) {
                    // Each caller keeps its own tally so the hot path shares nothing but the
                    // counter; the tallies merge once at the end.
                    await ClientPool.$pinned.withValue(slot) {
                        await Self.callUntilDone(counter: counter, deadline: deadline, clock: clock, call: call)
                    }
                }
            }
            var total = Tally()
            for await tally in group { total.merge(tally) }
            return total
        }
        total.elapsed = clock.now - start
        return total
    }

    private static func callUntilDone(
        counter: CallCounter, deadline: ContinuousClock.Instant?, clock: ContinuousClock, call: Call
    ) async -> Tally {
        var tally = Tally()
        while !Task.isCancelled {
            if let deadline, clock.now >= deadline { break }
            guard let index = counter.take() else { break }
            let callStart = clock.now
            do {
                let outcome = try await call(index)
                tally.record(outcome, latency: clock.now - callStart)
            } catch {
                tally.recordFailure(error)
            }
        }
        return tally
    }
}

/// Hands out call indices 0, 1, 2, … up to an optional limit, to any number of callers.
final class CallCounter: Sendable {
    private let next = Atomic<Int>(0)
    private let limit: Int?

    init(limit: Int?) { self.limit = limit }

    /// The next index, or nil once `limit` indices have been handed out.
    func take() -> Int? {
        let index = self.next.wrappingAdd(1, ordering: .relaxed).oldValue
        if let limit, index >= limit { return nil }
        return index
    }
}
