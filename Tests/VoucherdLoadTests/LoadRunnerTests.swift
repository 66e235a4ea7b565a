import GRPCCore
import NIOPosix
import Synchronization
import Testing
import XRPC
import XRPCTestSupport

@testable import voucherd_load

@Suite("Load runner against a fake call")
struct LoadRunnerTests {
    @Test("exactly `concurrency` calls in flight, and every index called once", arguments: [1, 3, 16])
    func concurrencyControl(concurrency: Int) async {
        let probe = InFlightProbe()
        let tally = await LoadRunner(concurrency: concurrency, plan: LoadPlan(requests: 200)).run { index in
            probe.enter(index)
            // Simulated service time, so callers overlap.
            try await Task.sleep(for: .milliseconds(1))
            probe.leave()
            return .ok
        }
        #expect(tally.attempts == 200)
        #expect(tally.count(of: .ok) == 200)
        #expect(probe.most == concurrency)
        #expect(probe.current == 0)
        #expect(probe.indices.sorted() == Array(0..<200))
    }

    @Test("more callers than calls: no index beyond the limit")
    func moreCallersThanCalls() async {
        let probe = InFlightProbe()
        let tally = await LoadRunner(concurrency: 50, plan: LoadPlan(requests: 7)).run { index in
            probe.enter(index)
            probe.leave()
            return .ok
        }
        #expect(tally.attempts == 7)
        #expect(probe.indices.sorted() == Array(0..<7))
    }

    @Test("failures are tallied by code, outcomes by name")
    func failuresAndOutcomes() async {
        let tally = await LoadRunner(concurrency: 4, plan: LoadPlan(requests: 100)).run { index in
            switch index % 4 {
            case 0: throw RPCError(code: .unavailable, message: "down")
            case 1: return Outcome("sold_out")
            default: return .ok
            }
        }
        #expect(tally.attempts == 100)
        #expect(tally.failuresByCode == ["unavailable": 25])
        #expect(tally.count(of: Outcome("sold_out")) == 25)
        #expect(tally.count(of: .ok) == 50)
    }

    @Test("a duration plan stops starting calls once its time is up")
    func durationPlan() async {
        let clock = ContinuousClock()
        let start = clock.now
        let starts = Mutex<[ContinuousClock.Instant]>([])
        let tally = await LoadRunner(concurrency: 2, plan: LoadPlan(duration: .milliseconds(500))).run { _ in
            starts.withLock { $0.append(clock.now) }
            try await Task.sleep(for: .milliseconds(5))
            return .ok
        }
        let elapsed = clock.now - start
        // No wall-clock upper bound: a loaded machine may starve the runner. What must hold is
        // that no call starts after the plan's time is up, and the run lasts at least that long.
        let recorded = starts.withLock { $0 }
        #expect(recorded.count == tally.attempts)
        // The runner began no earlier than (end - its own elapsed); nothing may start 500 ms after.
        let latestAllowedStart = elapsed - tally.elapsed + .milliseconds(500)
        #expect(recorded.allSatisfy { $0 - start <= latestAllowedStart })
        #expect(elapsed >= .milliseconds(500))
        #expect(tally.elapsed <= elapsed)
    }

    @Test("with both, the request count can end the run first")
    func requestsBeforeDuration() async {
        let tally = await LoadRunner(concurrency: 2, plan: LoadPlan(requests: 10, duration: .seconds(60))).run { _ in .ok }
        #expect(tally.attempts == 10)
    }

    @Test("bounded map keeps order and never exceeds its bound")
    func boundedMap() async throws {
        let probe = InFlightProbe()
        let results = try await BoundedConcurrency.map(count: 40, concurrency: 5) { index in
            probe.enter(index)
            try await Task.sleep(for: .milliseconds(1))
            probe.leave()
            return index * 2
        }
        #expect(results == (0..<40).map { $0 * 2 })
        #expect(probe.most <= 5)
        #expect(try await BoundedConcurrency.map(count: 0, concurrency: 3) { $0 }.isEmpty)
    }

    @Test("bounded map throws the first error")
    func boundedMapThrows() async {
        await #expect(throws: RPCError.self) {
            _ = try await BoundedConcurrency.map(count: 10, concurrency: 2) { index in
                if index == 3 { throw RPCError(code: .permissionDenied, message: "no") }
                return index
            }
        }
    }

    @Test("with a client pool, each caller is pinned to one client and runs on its event loop")
    func pinnedCallers() async throws {
        let pki = try TestPKI.make()
        // Nothing listens there: the calls below never touch the network.
        let nowhere = XRPCEndpoint(host: "127.0.0.1", port: 9)
        try await ClientPool.with(endpoints: [nowhere], tls: pki.clientTLS(), connections: 3) { pool in
            let slots = Mutex<[Int: Int]>([:])
            let misplaced = Atomic<Int>(0)
            let tally = await LoadRunner(concurrency: 6, plan: LoadPlan(requests: 60), pool: pool).run { _ in
                guard let slot = ClientPool.pinned else {
                    misplaced.add(1, ordering: .relaxed)
                    return .ok
                }
                if MultiThreadedEventLoopGroup.currentEventLoop !== pool.executors[slot].eventLoop {
                    misplaced.add(1, ordering: .relaxed)
                }
                slots.withLock { $0[slot, default: 0] += 1 }
                // Simulated service time, so every caller gets calls.
                try await Task.sleep(for: .milliseconds(1))
                if MultiThreadedEventLoopGroup.currentEventLoop !== pool.executors[slot].eventLoop {
                    misplaced.add(1, ordering: .relaxed)
                }
                return .ok
            }
            #expect(tally.count(of: .ok) == 60)
            #expect(misplaced.load(ordering: .relaxed) == 0)
            #expect(slots.withLock { Set($0.keys) } == [0, 1, 2])
        }
    }
}
