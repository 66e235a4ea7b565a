#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BenchSupport
import Foundation

extension Machine {
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
