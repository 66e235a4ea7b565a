import Foundation
import GRDB
import Testing
import VoucherdStore

@Suite("WAL checkpoints on the writer")
struct WALCheckpointerTests {
    /// About one page of the log per row.
    private static let pageOfText = String(repeating: "x", count: 3_000)

    /// Inserts a page-sized row per index, each in a transaction of its own on the pool (not
    /// through a group-commit writer), calling `after` with the index once it committed.
    private static func insertPages(
        _ indices: ClosedRange<Int>, into store: VoucherdStore, after: (Int) throws -> Void
    ) async throws {
        for index in indices {
            try await store.pool.write { db in
                try db.execute(sql: "INSERT INTO items (id, label) VALUES (?, ?)", arguments: [index, Self.pageOfText])
            }
            try after(index)
        }
    }

    @Test("an idle group-commit writer checkpoints once the log passes idlePages")
    func idleWriterCheckpoints() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory) {
                $0.checkpointPolicy = WALCheckpointer.Policy(idlePages: 20, maximumPages: 100_000)
            }
            let writer = GroupCommitWriter(store: store)
            try await withRunningWriter(writer) {
                // One at a time: the queue is empty after every commit.
                for index in 1...60 {
                    try await writer.write { db in
                        try db.execute(sql: "INSERT INTO items (id, label) VALUES (?, ?)", arguments: [index, Self.pageOfText])
                    }
                }
            }
            let statistics = store.checkpointer.statistics
            #expect(statistics.idleCheckpoints >= 1)
            #expect(statistics.forcedCheckpoints == 0)
            #expect(store.checkpointer.pagesInLog < 20 + 10, "the log kept growing: \(store.checkpointer.pagesInLog) pages")
            #expect(try itemIDs(in: store).count == 60)
        }
    }

    @Test("writes that bypass the group-commit writer checkpoint at maximumPages, so the log stays bounded")
    func logIsBoundedWithoutIdleCheckpoints() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory) {
                $0.checkpointPolicy = WALCheckpointer.Policy(idlePages: 10, maximumPages: 50)
            }
            var largest = 0
            try await Self.insertPages(1...200, into: store) { _ in largest = max(largest, store.checkpointer.pagesInLog) }
            let statistics = store.checkpointer.statistics
            #expect(statistics.forcedCheckpoints >= 2)
            #expect(statistics.idleCheckpoints == 0)
            #expect(largest < 50, "a commit left \(largest) pages in the log")
            #expect(try itemIDs(in: store).count == 200)
        }
    }

    @Test("SQLite's own auto-checkpoint is replaced: below the thresholds the log only grows")
    func noAutoCheckpointBelowTheThresholds() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory) {
                $0.checkpointPolicy = WALCheckpointer.Policy(idlePages: 5_000, maximumPages: 10_000)
            }
            var previous = 0
            try await Self.insertPages(1...1_050, into: store) { index in
                let pages = store.checkpointer.pagesInLog
                try #require(pages > previous, "the log shrank at row \(index): SQLite checkpointed on its own")
                previous = pages
            }
            // SQLite's default would have checkpointed at 1,000 pages.
            #expect(previous > 1_000)
        }
    }

    @Test("the writer connection gets the configured page cache; readers keep SQLite's default")
    func writerCacheSize() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory) { $0.writerCacheKiB = 12_345 }
            let writer = try await store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
            let reader = try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
            #expect(writer == -12_345)
            #expect(reader == -2_000)
        }
    }

    @Test("a store refuses a cache of no size")
    func refusesEmptyCache() async throws {
        try await withTemporaryDirectory { directory in
            _ = #expect(throws: StoreError.self) { try openStore(in: directory) { $0.writerCacheKiB = 0 } }
        }
    }
}
