import Foundation
import GRDB
import Testing
import VoucherdStore

@Suite("Audit chain")
struct AuditLogTests {
    /// Writes five entries through the store, then returns a plain GRDB queue on the same file
    /// with the append-only triggers dropped, standing in for someone editing the file.
    private func tamperableStore(in directory: URL) async throws -> (VoucherdStore, DatabaseQueue) {
        let store = try openStore(in: directory)
        try await store.pool.write { db in
            for index in 1...5 {
                try AuditLog().append(
                    actor: "admin", action: "voucher.revoke", subject: "v\(index)",
                    details: Data("reason \(index)".utf8), in: db)
            }
        }
        #expect(try await store.pool.read { db in try AuditLog().verify(in: db) } == .intact(entries: 5))
        let raw = try DatabaseQueue(path: store.configuration.databaseURL.path)
        try await raw.write { db in
            try db.execute(sql: "DROP TRIGGER store_audit_no_update; DROP TRIGGER store_audit_no_delete")
        }
        return (store, raw)
    }

    private func verify(_ store: VoucherdStore) async throws -> AuditVerification {
        try await store.pool.read { db in try AuditLog().verify(in: db) }
    }

    @Test("a clean chain verifies and links each entry to the previous hash")
    func cleanChain() async throws {
        try await withTemporaryDirectory { directory in
            let (store, _) = try await tamperableStore(in: directory)
            let entries = try await store.pool.read { db in try AuditLog().entries(in: db) }
            #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(entries[0].previousHash == AuditEntry.genesisHash)
            for (previous, next) in zip(entries, entries.dropFirst()) {
                #expect(next.previousHash == previous.hash)
            }
            #expect(try await verify(store) == .intact(entries: 5))
        }
    }

    @Test("the triggers refuse UPDATE and DELETE through SQL")
    func appendOnly() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            try await store.pool.write { db in
                try AuditLog().append(actor: "a", action: "x", subject: "s", details: Data(), in: db)
                #expect(throws: DatabaseError.self) {
                    try db.execute(sql: "UPDATE store_audit SET subject = 'other'")
                }
                #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM store_audit") }
            }
        }
    }

    @Test("an edited entry is reported")
    func editedEntry() async throws {
        try await withTemporaryDirectory { directory in
            let (store, raw) = try await tamperableStore(in: directory)
            try await raw.write { db in
                try db.execute(sql: "UPDATE store_audit SET details = x'00' WHERE sequence = 3")
            }
            #expect(try await verify(store) == .broken(sequence: 3, reason: .contentHashMismatch))
        }
    }

    @Test("a deleted entry is reported")
    func deletedEntry() async throws {
        try await withTemporaryDirectory { directory in
            let (store, raw) = try await tamperableStore(in: directory)
            try await raw.write { db in try db.execute(sql: "DELETE FROM store_audit WHERE sequence = 2") }
            #expect(try await verify(store) == .broken(sequence: 3, reason: .sequenceGap(expected: 2)))
        }
    }

    @Test("a deleted entry with the later ones renumbered is reported")
    func deletedAndRenumbered() async throws {
        try await withTemporaryDirectory { directory in
            let (store, raw) = try await tamperableStore(in: directory)
            try await raw.write { db in
                try db.execute(sql: """
                    DELETE FROM store_audit WHERE sequence = 2;
                    UPDATE store_audit SET sequence = sequence - 1 WHERE sequence > 2;
                    """)
            }
            #expect(try await verify(store) == .broken(sequence: 2, reason: .previousHashMismatch))
        }
    }

    @Test("reordered entries are reported")
    func reorderedEntries() async throws {
        try await withTemporaryDirectory { directory in
            let (store, raw) = try await tamperableStore(in: directory)
            try await raw.write { db in
                try db.execute(sql: """
                    UPDATE store_audit SET sequence = 100 WHERE sequence = 2;
                    UPDATE store_audit SET sequence = 2 WHERE sequence = 4;
                    UPDATE store_audit SET sequence = 4 WHERE sequence = 100;
                    """)
            }
            #expect(try await verify(store) == .broken(sequence: 2, reason: .previousHashMismatch))
        }
    }
}
