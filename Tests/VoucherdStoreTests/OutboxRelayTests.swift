import Foundation
import GRDB
import Synchronization
import Testing
import VoucherdStore

/// An idempotent destination: applies each (producer, sequence) once, counts every delivery,
/// and can be told to fail the next calls or to accept nothing beyond a sequence.
final class FakeDestination: OutboxDestination {
    struct State {
        var applied: [UInt64] = []
        var received: [UInt64] = []
        var calls = 0
        var failuresLeft = 0
        var acceptUpTo: UInt64?
    }

    struct Unavailable: Error {}

    let state = Mutex(State())

    func deliver(_ events: [OutboxEvent]) async throws -> UInt64 {
        try state.withLock { state in
            state.calls += 1
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw Unavailable()
            }
            let limit = state.acceptUpTo ?? .max
            let accepted = events.filter { $0.sequence <= limit }
            for event in accepted {
                state.received.append(event.sequence)
                if !state.applied.contains(event.sequence) { state.applied.append(event.sequence) }
            }
            return state.applied.last ?? 0
        }
    }
}

@Suite("Outbox relay")
struct OutboxRelayTests {
    private func appendEvents(_ count: Int, to store: VoucherdStore, at date: Date = Date()) async throws {
        try await store.pool.write { db in
            for index in 0..<count {
                try Outbox().append(
                    producer: "issuance", type: "voucher.issued", payload: Data("\(index)".utf8),
                    now: date, in: db)
            }
        }
    }

    private func makeRelay(
        _ store: VoucherdStore, _ destination: FakeDestination, batchSize: Int = 10
    ) -> OutboxRelay {
        var configuration = OutboxRelay.Configuration()
        configuration.batchSize = batchSize
        configuration.initialBackoff = .milliseconds(5)
        configuration.maximumBackoff = .milliseconds(20)
        configuration.pollInterval = .milliseconds(5)
        return OutboxRelay(
            store: store, producer: "issuance", destinationName: "fake",
            destination: destination, configuration: configuration)
    }

    @Test("delivers every event exactly once, in batches, and reports lag")
    func deliversOnce() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let destination = FakeDestination()
            let relay = makeRelay(store, destination, batchSize: 10)
            let appendedAt = Date().addingTimeInterval(-30)
            try await appendEvents(25, to: store, at: appendedAt)

            let before = try await relay.lag(now: appendedAt.addingTimeInterval(30))
            #expect(before.events == 25)
            #expect(abs(before.seconds - 30) < 0.001)

            #expect(try await relay.deliverPending() == 25)
            #expect(try await relay.deliverPending() == 0)
            let state = destination.state.withLock { $0 }
            #expect(state.received == Array(1...25))
            #expect(state.calls == 3)
            #expect(try await relay.acknowledgedSequence() == 25)
            #expect(try await relay.lag() == OutboxLag(events: 0, seconds: 0))
        }
    }

    @Test("a new relay on a reopened store resumes from the acknowledged position")
    func resumesAfterRestart() async throws {
        try await withTemporaryDirectory { directory in
            let destination = FakeDestination()
            do {
                let store = try openStore(in: directory)
                try await appendEvents(12, to: store)
                // A partial acknowledgement: the position must follow what was acknowledged,
                // and offering 8...12 again without progress is an error for the pass.
                destination.state.withLock { $0.acceptUpTo = 7 }
                let first = makeRelay(store, destination, batchSize: 100)
                await #expect(throws: OutboxRelay.RelayError.destinationMadeNoProgress(acknowledged: 7)) {
                    try await first.deliverPending()
                }
                #expect(try await first.acknowledgedSequence() == 7)
            }
            destination.state.withLock { $0.acceptUpTo = nil }
            let reopened = try openStore(in: directory)
            try await appendEvents(3, to: reopened)
            let second = makeRelay(reopened, destination)
            #expect(try await second.acknowledgedSequence() == 7)
            #expect(try await second.deliverPending() == 8)
            let state = destination.state.withLock { $0 }
            #expect(state.applied == Array(1...15))
            #expect(state.received == Array(1...15))
        }
    }

    @Test("run() retries with backoff after the destination fails, then catches up")
    func retriesAfterFailure() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let destination = FakeDestination()
            destination.state.withLock { $0.failuresLeft = 3 }
            try await appendEvents(20, to: store)
            let relay = makeRelay(store, destination, batchSize: 8)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await relay.run() }
                while try await relay.acknowledgedSequence() < 20 {
                    await Task.yield()
                }
                group.cancelAll()
                try await group.waitForAll()
            }
            let state = destination.state.withLock { $0 }
            #expect(state.applied == Array(1...20))
            #expect(state.received == Array(1...20))
            #expect(state.calls == 3 + 3)
        }
    }
}
