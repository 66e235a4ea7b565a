import Foundation
import GRDB
import Testing
import VoucherdStore

@Suite("Group commit writer")
struct GroupCommitWriterTests {
    @Test("queued requests are committed in batches of at most maximumBatchSize")
    func batchesQueuedRequests() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let writer = GroupCommitWriter(pool: store.pool, maximumBatchSize: 64)
            let results = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
                for index in 1...200 {
                    group.addTask {
                        let rowID = try await writer.write { db in
                            try db.execute(
                                sql: "INSERT INTO items (id, label) VALUES (?, ?)",
                                arguments: [index, "item \(index)"])
                            return db.lastInsertedRowID
                        }
                        return (index, rowID)
                    }
                }
                // Every request is queued before the loop starts, so the batch split is exact.
                await waitUntilQueued(writer, count: 200)
                return try await withRunningWriter(writer) {
                    var results: [(Int, Int64)] = []
                    for try await result in group { results.append(result) }
                    return results
                }
            }
            #expect(results.count == 200)
            #expect(results.allSatisfy { Int64($0.0) == $0.1 })
            #expect(try itemIDs(in: store) == (1...200).map(Int64.init))
            let statistics = writer.statistics
            #expect(statistics.committedTransactions == 4)
            #expect(statistics.batchedRequests == 200)
            #expect(statistics.largestBatch == 64)
        }
    }

    @Test("concurrent writers share transactions")
    func concurrentWritersShareTransactions() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let writer = GroupCommitWriter(pool: store.pool)
            try await withRunningWriter(writer) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for task in 0..<16 {
                        group.addTask {
                            for step in 0..<25 {
                                let id = task * 1_000 + step
                                let echoed = try await writer.write { db in
                                    try db.execute(
                                        sql: "INSERT INTO items (id, label) VALUES (?, 'x')",
                                        arguments: [id])
                                    return id
                                }
                                #expect(echoed == id)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try itemIDs(in: store).count == 400)
            let statistics = writer.statistics
            #expect(statistics.batchedRequests == 400)
            #expect(statistics.committedTransactions < 400)
            #expect(statistics.largestBatch > 1)
        }
    }

    @Test("a failing request rolls back only its own savepoint and alone gets the error")
    func failingRequestIsIsolated() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let writer = GroupCommitWriter(pool: store.pool)
            let outcomes = try await withThrowingTaskGroup(of: (Int, Result<Int, InjectedFailure>).self) { group in
                for index in 1...5 {
                    group.addTask {
                        do {
                            let value = try await writer.write { db in
                                try db.execute(
                                    sql: "INSERT INTO items (id, label) VALUES (?, 'x')", arguments: [index])
                                if index == 3 { throw InjectedFailure(index: index) }
                                return index * 10
                            }
                            return (index, .success(value))
                        } catch let failure as InjectedFailure {
                            return (index, .failure(failure))
                        }
                    }
                }
                await waitUntilQueued(writer, count: 5)
                return try await withRunningWriter(writer) {
                    var outcomes: [Int: Result<Int, InjectedFailure>] = [:]
                    for try await (index, outcome) in group { outcomes[index] = outcome }
                    return outcomes
                }
            }
            #expect(writer.statistics.committedTransactions == 1)
            #expect(outcomes[3] == .failure(InjectedFailure(index: 3)))
            for index in [1, 2, 4, 5] {
                #expect(outcomes[index] == .success(index * 10))
            }
            #expect(try itemIDs(in: store) == [1, 2, 4, 5])
        }
    }

    @Test("a failing COMMIT fails every request of the batch, and the writer carries on")
    func failingCommitFailsTheBatch() async throws {
        // A deferred foreign key is only checked at COMMIT, which is how to make COMMIT fail.
        let schema = StoreMigration("v1_parents_children") { db in
            try db.execute(sql: """
                CREATE TABLE parents (id INTEGER PRIMARY KEY);
                CREATE TABLE children (
                    id INTEGER PRIMARY KEY,
                    parent INTEGER NOT NULL REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED);
                """)
        }
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory, migrations: [schema])
            let writer = GroupCommitWriter(pool: store.pool)
            let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 1...4 {
                    group.addTask {
                        do {
                            try await writer.write { db in
                                try db.execute(sql: "INSERT INTO parents (id) VALUES (?)", arguments: [index])
                                if index == 2 {
                                    try db.execute(sql: "INSERT INTO children (id, parent) VALUES (1, 999)")
                                }
                            }
                            return false
                        } catch let error as DatabaseError {
                            return error.resultCode == .SQLITE_CONSTRAINT
                        }
                    }
                }
                await waitUntilQueued(writer, count: 4)
                return try await withRunningWriter(writer) {
                    var failures: [Bool] = []
                    for try await failed in group { failures.append(failed) }
                    let after = try await writer.write { db in
                        try db.execute(sql: "INSERT INTO parents (id) VALUES (100)")
                        return "ok"
                    }
                    #expect(after == "ok")
                    return failures
                }
            }
            #expect(failures == [true, true, true, true])
            let statistics = writer.statistics
            #expect(statistics.failedTransactions == 1)
            #expect(statistics.committedTransactions == 1)
            let parents = try await store.pool.read { db in try Int.fetchAll(db, sql: "SELECT id FROM parents") }
            #expect(parents == [100])
        }
    }

    @Test("close drains queued requests; later requests are refused")
    func closeDrainsThenRefuses() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let writer = GroupCommitWriter(pool: store.pool, maximumBatchSize: 3)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...10 {
                    group.addTask {
                        try await writer.write { db in
                            try db.execute(sql: "INSERT INTO items (id, label) VALUES (?, 'x')", arguments: [index])
                        }
                    }
                }
                await waitUntilQueued(writer, count: 10)
                group.addTask { await writer.run() }
                // Once a batch has left the queue the loop is running, so close must drain.
                while writer.queuedCount == 10 { await Task.yield() }
                await writer.close()
                try await group.waitForAll()
            }
            #expect(try itemIDs(in: store).count == 10)
            await #expect(throws: GroupCommitError.closed) {
                try await writer.write { _ in 1 }
            }
        }
    }

    @Test("writeUnbatched uses one transaction per request")
    func unbatched() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let writer = GroupCommitWriter(pool: store.pool)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...20 {
                    group.addTask {
                        try await writer.writeUnbatched { db in
                            try db.execute(sql: "INSERT INTO items (id, label) VALUES (?, 'x')", arguments: [index])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(writer.statistics.unbatchedTransactions == 20)
            #expect(writer.statistics.committedTransactions == 0)
            #expect(try itemIDs(in: store).count == 20)
        }
    }
}
