import Foundation
import GRDB
import Logging
import VoucherdStore

/// A fresh directory under the system temporary directory, removed when `body` returns.
func withTemporaryDirectory<T>(
    _ body: (URL) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("voucherd-store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

func quietLogger() -> Logger {
    var logger = Logger(label: "voucherd.store.tests")
    logger.logLevel = .error
    return logger
}

/// A service-style table the tests write to.
let itemsMigration = StoreMigration("v1_items") { db in
    try db.execute(sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
}

func openStore(
    in directory: URL,
    migrations: [StoreMigration] = [itemsMigration],
    configure: (inout StoreConfiguration) -> Void = { _ in }
) throws -> VoucherdStore {
    var configuration = StoreConfiguration(directory: directory, logger: quietLogger())
    configure(&configuration)
    return try VoucherdStore(configuration: configuration, migrations: migrations)
}

/// Runs `body` while `writer.run()` drains in a child task, then closes the writer and waits
/// for the loop to end.
func withRunningWriter<T: Sendable>(
    _ writer: GroupCommitWriter,
    _ body: () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await writer.run() }
        do {
            let result = try await body()
            await writer.close()
            try await group.waitForAll()
            return result
        } catch {
            await writer.close()
            try await group.waitForAll()
            throw error
        }
    }
}

/// Waits (yielding, never sleeping) until `writer` holds `count` queued requests.
func waitUntilQueued(_ writer: GroupCommitWriter, count: Int) async {
    while writer.queuedCount < count {
        await Task.yield()
    }
}

struct InjectedFailure: Error, Equatable {
    let index: Int
}

func itemIDs(in store: VoucherdStore) throws -> [Int64] {
    try store.pool.read { db in
        try Int64.fetchAll(db, sql: "SELECT id FROM items ORDER BY id")
    }
}
