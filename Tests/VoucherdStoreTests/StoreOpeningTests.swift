import Foundation
import GRDB
import Testing
import VoucherdStore

@Suite("Opening a store")
struct StoreOpeningTests {
    @Test("every connection gets WAL, synchronous=FULL, foreign keys and mmap off")
    func pragmas() async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory)
            let writerPragmas = try await store.pool.write { db in try Self.pragmas(db) }
            let readerPragmas = try await store.pool.read { db in try Self.pragmas(db) }
            for pragmas in [writerPragmas, readerPragmas] {
                #expect(pragmas.journalMode == "wal")
                #expect(pragmas.synchronous == 2)
                #expect(pragmas.foreignKeys == 1)
                #expect(pragmas.mmapSize == 0)
            }
            #expect(store.sqliteVersion.hasPrefix("3."))
        }
    }

    @Test("synchronous is configurable", arguments: SynchronousMode.allCases)
    func synchronousLevel(mode: SynchronousMode) async throws {
        try await withTemporaryDirectory { directory in
            let store = try openStore(in: directory) { $0.synchronous = mode }
            let value = try await store.pool.write { db in
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            #expect(value == mode.pragmaValue)
        }
    }

    @Test("store and service migrations run once, in order, and not again on reopen")
    func migrationsRunOnce() async throws {
        let counting = StoreMigration("v2_seed") { db in
            try db.execute(sql: "INSERT INTO items (id, label) VALUES (1, 'seeded')")
        }
        try await withTemporaryDirectory { directory in
            let expected = [
                "v1_store_idempotency", "v2_store_outbox", "v3_store_audit", "v1_items", "v2_seed",
            ]
            do {
                let store = try openStore(in: directory, migrations: [itemsMigration, counting])
                #expect(try Self.appliedMigrations(store) == expected)
            }
            let reopened = try openStore(in: directory, migrations: [itemsMigration, counting])
            #expect(try Self.appliedMigrations(reopened) == expected)
            // Re-running v2_seed would have violated the primary key or doubled the row.
            #expect(try itemIDs(in: reopened) == [1])
            let tables = try await reopened.pool.read { db in
                try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'store_%' ORDER BY name")
            }
            #expect(tables == ["store_audit", "store_idempotency", "store_outbox", "store_outbox_relay"])
        }
    }

    @Test("bad or duplicate migration names are refused")
    func migrationNames() async throws {
        try await withTemporaryDirectory { directory in
            let badName = StoreMigration("items") { _ in }
            #expect(throws: StoreError.invalidMigrationName("items")) {
                try openStore(in: directory, migrations: [badName])
            }
            let clash = StoreMigration("v2_store_outbox") { _ in }
            #expect(throws: StoreError.duplicateMigrationName("v2_store_outbox")) {
                try openStore(in: directory, migrations: [clash])
            }
            #expect(StoreMigration.isValidName("v12_vouchers_by_owner"))
            #expect(!StoreMigration.isValidName("v_x"))
            #expect(!StoreMigration.isValidName("v1_"))
            #expect(!StoreMigration.isValidName("v1_Upper"))
        }
    }

    private struct Pragmas {
        var journalMode: String?
        var synchronous: Int?
        var foreignKeys: Int?
        var mmapSize: Int?
    }

    private static func pragmas(_ db: Database) throws -> Pragmas {
        Pragmas(
            journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode"),
            synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous"),
            foreignKeys: try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
            mmapSize: try Int.fetchOne(db, sql: "PRAGMA mmap_size"))
    }

    private static func appliedMigrations(_ store: VoucherdStore) throws -> [String] {
        try store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        }
    }
}
