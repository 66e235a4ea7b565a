import Foundation
import GRDB
import Testing
import VoucherdStore

@Suite("Outbox")
struct OutboxTests {
    @Test("500 concurrent group-commit appends are numbered 1...500 per producer")
    func gapFreeUnderConcurrency() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let writer = GroupCommitWriter(pool: store.pool, maximumBatchSize: 32)
            let outbox = Outbox()
            let returned = try await withRunningWriter(writer) {
                try await withThrowingTaskGroup(of: UInt64.self) { group in
                    for index in 0..<500 {
                        group.addTask {
                            try await writer.write { db in
                                if index % 7 == 0 {
                                    // A second producer interleaved, numbered independently.
                                    try outbox.append(producer: "other", type: "t", payload: Data(), in: db)
                                }
                                return try outbox.append(
                                    producer: "issuance", type: "voucher.issued",
                                    payload: Data("\(index)".utf8), in: db)
                            }
                        }
                    }
                    var sequences: [UInt64] = []
                    for try await sequence in group { sequences.append(sequence) }
                    return sequences
                }
            }
            #expect(returned.sorted() == Array(1...500))
            let (main, other) = try await store.pool.read { db in
                (
                    try Int64.fetchAll(db, sql: "SELECT sequence FROM store_outbox WHERE producer = 'issuance' ORDER BY sequence"),
                    try Int64.fetchAll(db, sql: "SELECT sequence FROM store_outbox WHERE producer = 'other' ORDER BY sequence")
                )
            }
            #expect(main == Array(1...500))
            #expect(other == Array(1...Int64((0..<500).filter { $0 % 7 == 0 }.count)))
            #expect(writer.statistics.committedTransactions < 500)
        }
    }

    @Test("the schema refuses gaps, duplicates and edits")
    func schemaRefusesImpossibleStates() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            try await store.pool.write { db in
                try Outbox().append(producer: "p", type: "t", payload: Data(), in: db)
                let insert = "INSERT INTO store_outbox (producer, sequence, type, payload, created_at_us) VALUES ('p', ?, 't', x'', 0)"
                #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [3]) }
                #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [1]) }
                #expect(throws: DatabaseError.self) {
                    try db.execute(sql: "UPDATE store_outbox SET payload = x'00'")
                }
                try db.execute(sql: insert, arguments: [2])
            }
        }
    }

    @Test("a range read filters by type, stays in its producer and its range")
    func rangeReadFiltersByType() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let outbox = Outbox()
            try await store.pool.write { db in
                for type in ["a", "b", "a", "c", "a"] {
                    try outbox.append(producer: "p", type: type, payload: Data(type.utf8), in: db)
                }
                try outbox.append(producer: "other", type: "a", payload: Data(), in: db)
            }
            let read = { (after: UInt64, through: UInt64, types: Set<String>, limit: Int) in
                try await store.pool.read { db in
                    try outbox.events(producer: "p", after: after, through: through, types: types, limit: limit, in: db).map(\.sequence)
                }
            }
            #expect(try await read(0, 5, ["a"], 10) == [1, 3, 5])
            #expect(try await read(0, 5, ["b", "c"], 10) == [2, 4])
            #expect(try await read(0, 5, [], 10) == [1, 2, 3, 4, 5])
            #expect(try await read(1, 4, ["a"], 10) == [3])
            #expect(try await read(0, 5, ["a"], 2) == [1, 3])
            #expect(try await read(5, 5, [], 10).isEmpty)
            #expect(try await read(4, 2, [], 10).isEmpty)
        }
    }
}
