import Foundation
import Logging
import ServiceLifecycle
import Testing
import VoucherdRuntime
import VoucherdStore

@Suite("Store writer and outbox relay as lifecycle services", .timeLimit(.minutes(2)))
struct StoreLifecycleServiceTests {
    /// Records every delivered sequence; acknowledges the last one, or fails while `failing`.
    actor RecordingDestination: OutboxDestination {
        struct Unavailable: Error {}

        private(set) var received: [UInt64] = []
        private(set) var calls = 0
        private let failing: Bool

        init(failing: Bool = false) {
            self.failing = failing
        }

        func deliver(_ events: [OutboxEvent]) async throws -> UInt64 {
            calls += 1
            if failing { throw Unavailable() }
            received.append(contentsOf: events.map(\.sequence))
            return events.last?.sequence ?? 0
        }
    }

    static let producer = "issuance"

    static func quietLogger() -> Logger {
        var logger = Logger(label: "voucherd.store-lifecycle.tests")
        logger.logLevel = .critical
        return logger
    }

    static func withStoreDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("voucherd-store-lifecycle-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    static func openStore(in directory: URL) throws -> VoucherdStore {
        try VoucherdStore(configuration: StoreConfiguration(directory: directory, logger: quietLogger()))
    }

    /// The payloads of every event of ``producer`` in `store`, read in a transaction of its own.
    static func payloads(in store: VoucherdStore) async throws -> [String] {
        let events = try await GroupCommitWriter(pool: store.pool).writeUnbatched { db in
            try Outbox().events(producer: producer, after: 0, limit: 100_000, in: db)
        }
        return events.map { String(decoding: $0.payload, as: UTF8.self) }
    }

    static func appendEvents(_ range: Range<Int>, to store: VoucherdStore) async throws {
        try await GroupCommitWriter(pool: store.pool).writeUnbatched { db in
            for index in range {
                try Outbox().append(
                    producer: producer, type: "voucher.issued", payload: Data("\(index)".utf8), in: db)
            }
        }
    }

    @Test("graceful shutdown commits every queued write; answered writes survive a reopen")
    func writerDrainsOnGracefulShutdown() async throws {
        try await Self.withStoreDirectory { directory in
            let count = 400
            let store = try Self.openStore(in: directory)
            let writer = GroupCommitWriter(pool: store.pool, maximumBatchSize: 16)
            let group = ServiceGroup(
                services: [StoreWriterService(writer: writer)], logger: Self.quietLogger())
            let (succeeded, failures) = try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let outcome = await withTaskGroup(of: (String, (any Error)?).self) { writes in
                    for index in 0..<count {
                        writes.addTask {
                            let payload = "write-\(index)"
                            do {
                                _ = try await writer.write { db in
                                    try Outbox().append(
                                        producer: Self.producer, type: "test",
                                        payload: Data(payload.utf8), in: db)
                                }
                                return (payload, nil)
                            } catch {
                                return (payload, error)
                            }
                        }
                    }
                    // Shut down while writes are still being submitted and committed.
                    while writer.statistics.batchedRequests + writer.queuedCount < count / 4 {
                        await Task.yield()
                    }
                    await group.triggerGracefulShutdown()
                    var succeeded: Set<String> = []
                    var failures: [any Error] = []
                    for await (payload, error) in writes {
                        if let error { failures.append(error) } else { succeeded.insert(payload) }
                    }
                    return (succeeded, failures)
                }
                try await tasks.next()
                return outcome
            }
            #expect(succeeded.count + failures.count == count)
            #expect(succeeded.count >= count / 4)
            for failure in failures {
                #expect(failure as? GroupCommitError == .closed)
            }
            #expect(writer.queuedCount == 0)

            await #expect(throws: GroupCommitError.closed) {
                try await writer.write { db in
                    try Outbox().append(
                        producer: Self.producer, type: "test", payload: Data("late".utf8), in: db)
                }
            }

            let reopened = try Self.openStore(in: directory)
            let stored = try await Self.payloads(in: reopened)
            #expect(stored.count == Set(stored).count)
            #expect(Set(stored) == succeeded)
        }
    }

    @Test("graceful shutdown makes a final pass that ships events appended after the last one")
    func relayFlushesOnGracefulShutdown() async throws {
        try await Self.withStoreDirectory { directory in
            let store = try Self.openStore(in: directory)
            let destination = RecordingDestination()
            var configuration = OutboxRelay.Configuration()
            configuration.batchSize = 7
            // The loop goes idle after its first pass and does not poll again during the test.
            configuration.pollInterval = .seconds(3600)
            let relay = OutboxRelay(
                store: store, producer: Self.producer, destinationName: "recorder",
                destination: destination, configuration: configuration)
            let group = ServiceGroup(
                services: [OutboxRelayService(relay: relay, logger: Self.quietLogger())],
                logger: Self.quietLogger())

            try await Self.appendEvents(0..<10, to: store)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // The loop's first pass ships the first ten, then sleeps.
                while await destination.received.count < 10 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                try await Self.appendEvents(10..<25, to: store)
                // The loop may still be finishing its pass and pick some of these up; whatever
                // it leaves, the final pass on shutdown must ship.
                #expect(await destination.received.count >= 10)
                await group.triggerGracefulShutdown()
                try await tasks.next()
            }
            // Delivery is at least once: a batch the loop shipped just as shutdown cancelled it
            // may go again in the final pass (destinations apply each (producer, sequence) once).
            let received = await destination.received
            #expect(Set(received) == Set(1...25))
            #expect(try await relay.acknowledgedSequence() == 25)
        }
    }

    @Test("a failing final pass is logged, not thrown, and the events stay pending")
    func relayFinalPassFailureDoesNotThrow() async throws {
        try await Self.withStoreDirectory { directory in
            let store = try Self.openStore(in: directory)
            let destination = RecordingDestination(failing: true)
            var configuration = OutboxRelay.Configuration()
            configuration.initialBackoff = .seconds(3600)
            configuration.maximumBackoff = .seconds(3600)
            let relay = OutboxRelay(
                store: store, producer: Self.producer, destinationName: "recorder",
                destination: destination, configuration: configuration)
            let group = ServiceGroup(
                services: [OutboxRelayService(relay: relay, logger: Self.quietLogger())],
                logger: Self.quietLogger())

            try await Self.appendEvents(0..<5, to: store)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // The loop's first pass fails, then it backs off for an hour.
                while await destination.calls < 1 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                await group.triggerGracefulShutdown()
                try await tasks.next()
            }
            // The final pass tried once more.
            #expect(await destination.calls == 2)
            #expect(await destination.received.isEmpty)
            #expect(try await relay.acknowledgedSequence() == 0)
            #expect(try await relay.lag().events == 5)
        }
    }
}
