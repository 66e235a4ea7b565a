import Foundation
import GRDB
import VoucherdStore

/// The one table the benchmark writes to, and the statement each write runs.
enum BenchSchema {
    /// Creates `bench_writes`: one row per acknowledged write.
    static let migrations = [
        StoreMigration("v1_bench") { db in
            try db.execute(
                sql: """
                    CREATE TABLE bench_writes (
                        id INTEGER PRIMARY KEY,
                        writer INTEGER NOT NULL,
                        sequence INTEGER NOT NULL,
                        payload BLOB NOT NULL
                    )
                    """)
        }
    ]

    /// Bytes of payload per row: about the size of a coupon claim or an idempotency record.
    static let payloadSize = 100

    private static let payload = Data(repeating: 0x5A, count: payloadSize)

    /// Inserts one row. Runs on the writer connection, inside whatever transaction or savepoint
    /// the writer opened.
    static func insert(_ db: Database, writer: Int, sequence: Int) throws {
        try db.execute(
            sql: "INSERT INTO bench_writes (writer, sequence, payload) VALUES (?, ?, ?)",
            arguments: [writer, sequence, payload])
    }

    /// How many rows the table holds.
    static func rowCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bench_writes") ?? 0
    }
}
