#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where the benchmark ran: recorded with every result, since fsync cost decides the numbers.
struct Machine: Codable, Sendable {
    /// `uname -a`.
    var uname: String
    /// Processors available to this process (what `nproc` prints).
    var nproc: Int
    /// `sqlite_version()` as reported by the store.
    var sqliteVersion: String
    /// The directory holding the stores, and its filesystem type (`stat -f -c %T`).
    var storeDirectory: String
    var filesystem: String
    /// A raw append-4-KiB-then-fsync loop in the store directory, before and after the cells.
    var fsyncProbeBefore: FsyncProbe
    var fsyncProbeAfter: FsyncProbe

    struct FsyncProbe: Codable, Sendable {
        var iterations: Int
        var p50Microseconds: UInt64
        var p90Microseconds: UInt64
        var maxMicroseconds: UInt64
    }

    /// The output of a command, trimmed, or `"unknown"` if it could not run.
    static func commandOutput(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "unknown"
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return "unknown" }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Times `iterations` rounds of appending 4 KiB to a file in `directory` and fsyncing it,
    /// which is roughly what a WAL commit with `synchronous=FULL` costs at the disk.
    static func probeFsync(in directory: URL, iterations: Int = 100) throws -> FsyncProbe {
        let path = directory.appendingPathComponent("fsync-probe").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw BenchError.io("open \(path): errno \(errno)") }
        defer {
            close(fd)
            unlink(path)
        }
        let block = [UInt8](repeating: 0xA5, count: 4096)
        var samples: [UInt64] = []
        samples.reserveCapacity(iterations)
        let clock = ContinuousClock()
        for _ in 0..<iterations {
            let started = clock.now
            let written = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == block.count else { throw BenchError.io("write: errno \(errno)") }
            guard fsync(fd) == 0 else { throw BenchError.io("fsync: errno \(errno)") }
            samples.append((clock.now - started).microseconds)
        }
        samples.sort()
        return FsyncProbe(
            iterations: iterations,
            p50Microseconds: samples[samples.count / 2],
            p90Microseconds: samples[samples.count * 9 / 10],
            maxMicroseconds: samples[samples.count - 1])
    }
}
