import Foundation
import GRDB
import Histogram
import Logging
import VoucherdStore

/// Opens a cell's store and runs its rounds: `writers` tasks each inserting one row at a time
/// and awaiting its acknowledgement until the round's time is up.
struct CellRunner: Sendable {
    /// Where each cell's store directory is created (the caller removes it).
    var root: URL
    var maximumBatchSize: Int

    /// A fresh durable store for one (writers, mode) cell, and `PRAGMA synchronous` as its
    /// writer connection reports it (2 = FULL).
    func openStore(writers: Int, mode: WriteMode) async throws -> (VoucherdStore, synchronous: Int) {
        let directory = root.appendingPathComponent("\(mode.rawValue)-\(writers)", isDirectory: true)
        var configuration = StoreConfiguration(directory: directory)
        configuration.logger.logLevel = .warning
        precondition(configuration.synchronous == .full, "the benchmark measures durable writes")
        let store = try VoucherdStore(configuration: configuration, migrations: BenchSchema.migrations)
        let synchronous = try await store.pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
        return (store, synchronous)
    }

    /// Closes a cell's store and returns how many rows it holds.
    func closeStore(_ store: VoucherdStore) async throws -> Int {
        let rows = try await store.pool.read { db in try BenchSchema.rowCount(db) }
        try store.pool.close()
        try? FileManager.default.removeItem(at: store.configuration.directory)
        return rows
    }

    /// One round on `store`, with a writer of its own (a closed writer cannot be reused).
    /// `firstSequence` keeps rows of different rounds apart.
    func round(
        on store: VoucherdStore, writers: Int, mode: WriteMode, duration: Duration, firstSequence: Int
    ) async -> RoundResult {
        let writer = GroupCommitWriter(pool: store.pool, maximumBatchSize: maximumBatchSize)
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        var total = RoundResult()
        var finishedWriters = 0
        await withTaskGroup(of: RoundResult?.self) { group in
            // The draining loop; idle in unbatched mode, where writes bypass the queue.
            group.addTask {
                await writer.run()
                return nil
            }
            for index in 0..<writers {
                group.addTask {
                    await Self.writeUntil(
                        deadline, clock: clock, writer: writer, mode: mode, index: index,
                        firstSequence: firstSequence)
                }
            }
            for await tally in group {
                guard let tally else { continue }
                total.merge(tally)
                finishedWriters += 1
                if finishedWriters == writers { await writer.close() }
            }
        }
        // Until the last write started before the deadline was answered.
        total.elapsedSeconds = (clock.now - start).seconds
        total.rounds = 1
        let statistics = writer.statistics
        switch mode {
        case .group:
            total.transactions = statistics.committedTransactions + statistics.failedTransactions
            total.largestBatch = statistics.largestBatch
        case .unbatched:
            total.transactions = statistics.unbatchedTransactions
            total.largestBatch = statistics.unbatchedTransactions > 0 ? 1 : 0
        }
        return total
    }

    /// One writer: a write, its acknowledgement, the next write, until the deadline.
    private static func writeUntil(
        _ deadline: ContinuousClock.Instant, clock: ContinuousClock, writer: GroupCommitWriter,
        mode: WriteMode, index: Int, firstSequence: Int
    ) async -> RoundResult {
        var tally = RoundResult()
        var sequence = firstSequence
        while clock.now < deadline {
            let started = clock.now
            let thisSequence = sequence
            sequence += 1
            do {
                switch mode {
                case .group:
                    try await writer.write { db in
                        try BenchSchema.insert(db, writer: index, sequence: thisSequence)
                    }
                case .unbatched:
                    try await writer.writeUnbatched { db in
                        try BenchSchema.insert(db, writer: index, sequence: thisSequence)
                    }
                }
                let micros = (clock.now - started).microseconds
                tally.histogram.record(min(micros, RoundResult.highestTrackableMicroseconds))
                tally.writes += 1
            } catch {
                tally.failures += 1
                tally.firstError = tally.firstError ?? String(describing: error)
            }
        }
        return tally
    }
}
