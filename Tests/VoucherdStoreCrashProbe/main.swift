// A child process for the kill -9 test: writes rows through the group-commit writer from
// several concurrent tasks and prints "ack <id>" after each write the writer acknowledged.
// Usage: voucherd-store-crash-probe <data-directory> [writers] [seconds]
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
import Logging
import VoucherdStore

/// Writes with the `write` system call, bypassing stdio buffering, so a line the parent reads
/// left this process before the acknowledgement was given to anyone else.
func emit(_ line: String) {
    var bytes = Array(line.utf8)
    bytes.append(UInt8(ascii: "\n"))
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if written <= 0 { exit(3) }
        offset += written
    }
}

func runProbe(directory: String, writers: Int, lifetime: Int) async throws {
    let probeMigrations = [
        StoreMigration("v1_probe_acks") { db in
            try db.execute(sql: "CREATE TABLE probe_acks (id INTEGER PRIMARY KEY, writer INTEGER NOT NULL)")
        }
    ]
    var configuration = StoreConfiguration(directory: URL(fileURLWithPath: directory))
    configuration.logger.logLevel = .warning
    let store = try VoucherdStore(configuration: configuration, migrations: probeMigrations)
    let writer = GroupCommitWriter(pool: store.pool, maximumBatchSize: 64)
    let deadline = ContinuousClock.now + .seconds(lifetime)
    emit("ready")
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await writer.run() }
        for writerIndex in 0..<writers {
            group.addTask {
                var counter = 0
                while ContinuousClock.now < deadline {
                    let id = writerIndex * 100_000_000 + counter
                    try await writer.write { db in
                        try db.execute(
                            sql: "INSERT INTO probe_acks (id, writer) VALUES (?, ?)",
                            arguments: [id, writerIndex])
                    }
                    emit("ack \(id)")
                    counter += 1
                }
            }
        }
        // The writers finish at the deadline; then let the draining loop stop too.
        for _ in 0..<writers { _ = try await group.next() }
        await writer.close()
        try await group.waitForAll()
    }
}

let arguments = CommandLine.arguments
if arguments.count < 2 {
    FileHandle.standardError.write(Data("usage: voucherd-store-crash-probe <dir> [writers] [seconds]\n".utf8))
    exit(2)
}
do {
    try await runProbe(
        directory: arguments[1],
        writers: arguments.count >= 3 ? Int(arguments[2]) ?? 8 : 8,
        lifetime: arguments.count >= 4 ? Int(arguments[3]) ?? 60 : 60)
} catch {
    FileHandle.standardError.write(Data("probe failed: \(error)\n".utf8))
    exit(1)
}
