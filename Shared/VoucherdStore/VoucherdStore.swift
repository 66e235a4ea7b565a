import Foundation
public import GRDB
import Logging

/// An open SQLite store: a GRDB `DatabasePool` (one writer connection, parallel readers) in WAL
/// mode, with the store's own tables and the service's migrations applied.
///
/// Every connection runs with foreign keys on, `mmap_size=0` (memory-mapped I/O off, so an I/O
/// error is an error and not a `SIGBUS`), the configured `synchronous` level and busy timeout.
public final class VoucherdStore: Sendable {
    /// The connection pool. Writes should go through a ``GroupCommitWriter`` built on it.
    public let pool: DatabasePool
    /// The configuration the store was opened with.
    public let configuration: StoreConfiguration
    /// `sqlite_version()` of the linked SQLite library, as logged at open.
    public let sqliteVersion: String
    /// Decides when the writer connection checkpoints the log; a ``GroupCommitWriter`` made
    /// with ``GroupCommitWriter/init(store:maximumBatchSize:metricsDimensions:)`` checkpoints
    /// when idle through it.
    public let checkpointer: WALCheckpointer

    /// Opens (creating if needed) the database and runs pending migrations: first the store's
    /// own (idempotency, outbox, audit), then `migrations` in order.
    ///
    /// - Parameters:
    ///   - configuration: Location and tuning.
    ///   - migrations: The service's migrations, named `v<N>_<what>`. Already-applied ones are
    ///     skipped, so reopening a store never re-runs a migration.
    /// - Throws: ``StoreError`` for bad names or configuration; GRDB's `DatabaseError` for
    ///   SQLite failures, including a failing migration (which is rolled back).
    public init(configuration: StoreConfiguration, migrations: [StoreMigration] = []) throws {
        guard configuration.maximumReaderCount > 0 else {
            throw StoreError.invalidConfiguration("maximumReaderCount must be positive")
        }
        guard configuration.busyTimeout >= .zero else {
            throw StoreError.invalidConfiguration("busyTimeout must not be negative")
        }
        guard configuration.writerCacheKiB > 0 else {
            throw StoreError.invalidConfiguration("writerCacheKiB must be positive")
        }
        let storeMigrator = try Self.migrator(for: StoreSchema.migrations, reserved: [])
        let serviceMigrator = try Self.migrator(
            for: migrations, reserved: Set(StoreSchema.migrations.map(\.name)))

        try FileManager.default.createDirectory(
            at: configuration.directory, withIntermediateDirectories: true)

        var grdb = Configuration()
        grdb.foreignKeysEnabled = true
        grdb.journalMode = .wal
        grdb.busyMode = .timeout(configuration.busyTimeout.timeInterval)
        grdb.maximumReaderCount = configuration.maximumReaderCount
        let synchronous = configuration.synchronous.sqlKeyword
        grdb.prepareDatabase { db in
            try db.execute(sql: "PRAGMA mmap_size = 0")
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        let pool = try DatabasePool(path: configuration.databaseURL.path, configuration: grdb)
        // DatabasePool switches its writer to WAL after prepareDatabase ran and sets
        // synchronous=NORMAL while doing so; the writer connection lives as long as the pool, so
        // restoring the configured level once is enough. The tests check it.
        let checkpointer = WALCheckpointer(policy: configuration.checkpointPolicy)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA cache_size = -\(configuration.writerCacheKiB)")
            checkpointer.install(on: db)
        }

        // Two migrators sharing grdb_migrations: GRDB skips identifiers it does not know, so
        // each one only ever runs its own list, store tables first.
        try storeMigrator.migrate(pool)
        try serviceMigrator.migrate(pool)

        let version = try pool.read { db in
            try String.fetchOne(db, sql: "SELECT sqlite_version()")
        }
        self.pool = pool
        self.checkpointer = checkpointer
        self.configuration = configuration
        self.sqliteVersion = version ?? "unknown"
        configuration.logger.info(
            "store opened",
            metadata: [
                "path": "\(configuration.databaseURL.path)",
                "sqlite_version": "\(self.sqliteVersion)",
                "synchronous": "\(configuration.synchronous.rawValue)",
            ])
    }

    private static func migrator(
        for migrations: [StoreMigration], reserved: Set<String>
    ) throws -> DatabaseMigrator {
        var seen = reserved
        var migrator = DatabaseMigrator()
        for migration in migrations {
            guard StoreMigration.isValidName(migration.name) else {
                throw StoreError.invalidMigrationName(migration.name)
            }
            // GRDB treats a duplicate identifier as a programmer error and traps; a store
            // refuses it with an error instead.
            guard seen.insert(migration.name).inserted else {
                throw StoreError.duplicateMigrationName(migration.name)
            }
            migrator.registerMigration(migration.name, migrate: migration.migrate)
        }
        return migrator
    }
}
