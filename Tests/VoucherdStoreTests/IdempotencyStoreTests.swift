import Foundation
import GRDB
import Testing
import VoucherdStore

@Suite("Idempotency records")
struct IdempotencyStoreTests {
    private let records = IdempotencyStore(timeToLive: .seconds(60))
    private let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("same key and request: the first answer comes back and the body runs once")
    func replaysStoredResponse() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let hash = Data("request-1".utf8)
            for attempt in 1...3 {
                let response = try await store.pool.write { [records, start] db in
                    try records.execute(
                        principal: "alice", method: "/Issue", key: "k1", requestHash: hash,
                        now: start.addingTimeInterval(Double(attempt)), in: db
                    ) { db in
                        try db.execute(sql: "INSERT INTO items (label) VALUES ('issued')")
                        return Data("answer \(attempt)".utf8)
                    }
                }
                #expect(response == Data("answer 1".utf8))
            }
            #expect(try itemIDs(in: store).count == 1)
        }
    }

    @Test("same key with a different request is refused; other principals and methods are separate")
    func differentRequestIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            try await store.pool.write { [records, start] db in
                _ = try records.execute(
                    principal: "alice", method: "/Issue", key: "k1", requestHash: Data("a".utf8),
                    now: start, in: db
                ) { _ in Data("first".utf8) }
                #expect(throws: IdempotencyError.keyReusedWithDifferentRequest(
                    principal: "alice", method: "/Issue", key: "k1")) {
                    try records.execute(
                        principal: "alice", method: "/Issue", key: "k1", requestHash: Data("b".utf8),
                        now: start, in: db
                    ) { _ in Data("second".utf8) }
                }
                let otherPrincipal = try records.execute(
                    principal: "bob", method: "/Issue", key: "k1", requestHash: Data("b".utf8),
                    now: start, in: db
                ) { _ in Data("bob".utf8) }
                let otherMethod = try records.execute(
                    principal: "alice", method: "/Redeem", key: "k1", requestHash: Data("b".utf8),
                    now: start, in: db
                ) { _ in Data("redeem".utf8) }
                #expect(otherPrincipal == Data("bob".utf8))
                #expect(otherMethod == Data("redeem".utf8))
            }
        }
    }

    @Test("records expire after the TTL and purgeExpired deletes them")
    func expiryAndPurge() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            try await store.pool.write { [records, start] db in
                for key in ["old1", "old2"] {
                    _ = try records.execute(
                        principal: "alice", method: "/Issue", key: key, requestHash: Data("a".utf8),
                        now: start, in: db
                    ) { _ in Data("old".utf8) }
                }
                _ = try records.execute(
                    principal: "alice", method: "/Issue", key: "fresh", requestHash: Data("a".utf8),
                    now: start.addingTimeInterval(50), in: db
                ) { _ in Data("fresh".utf8) }

                // 61 s later the old key is free again, even with another request.
                let later = start.addingTimeInterval(61)
                let reused = try records.execute(
                    principal: "alice", method: "/Issue", key: "old1", requestHash: Data("other".utf8),
                    now: later, in: db
                ) { _ in Data("new".utf8) }
                #expect(reused == Data("new".utf8))

                #expect(try records.purgeExpired(now: later, in: db) == 1)
                let keys = try String.fetchAll(db, sql: "SELECT key FROM store_idempotency ORDER BY key")
                #expect(keys == ["fresh", "old1"])
            }
        }
    }

    @Test("a body that throws stores nothing")
    func failingBodyStoresNothing() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let writer = GroupCommitWriter(pool: store.pool)
            try await withRunningWriter(writer) { [records, start] in
                await #expect(throws: InjectedFailure(index: 1)) {
                    try await writer.write { db in
                        try records.execute(
                            principal: "alice", method: "/Issue", key: "k", requestHash: Data("a".utf8),
                            now: start, in: db
                        ) { _ in throw InjectedFailure(index: 1) }
                    }
                }
                let retried = try await writer.write { db in
                    try records.execute(
                        principal: "alice", method: "/Issue", key: "k", requestHash: Data("b".utf8),
                        now: start, in: db
                    ) { _ in Data("ok".utf8) }
                }
                #expect(retried == Data("ok".utf8))
            }
        }
    }
}
