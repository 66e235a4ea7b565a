import Foundation
import Testing

@testable import VoucherdRuntime

#if canImport(Glibc)
import Glibc
#endif

@Suite("Log lines written from a thread of their own", .timeLimit(.minutes(1)))
struct LogLineWriterTests {
    /// A pipe: (read end, write end).
    private static func pipe() throws -> (Int32, Int32) {
        var ends: [Int32] = [0, 0]
        guard Glibc.pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
        return (ends[0], ends[1])
    }

    /// Everything readable from `descriptor` until it is closed.
    static func readAll(_ descriptor: Int32) -> String {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        return String(decoding: output, as: UTF8.self)
    }

    @Test("lines arrive whole and in order")
    func inOrder() throws {
        let (reader, writerEnd) = try Self.pipe()
        defer { close(reader) }
        let writer = LogLineWriter(fileDescriptor: writerEnd)
        let collected = Collector(reading: reader)
        for index in 0..<2_000 { writer.write(#"{"n":\#(index)}"#) }
        #expect(writer.flush(timeout: .seconds(10)))
        close(writerEnd)
        let lines = try collected.output().split(separator: "\n")
        #expect(lines == (0..<2_000).map { Substring(#"{"n":\#($0)}"#) })
        #expect(writer.droppedLines == 0)
    }

    @Test("a pipe nobody reads never blocks the caller: lines past the limit are dropped, then counted in the output")
    func neverBlocks() throws {
        let (reader, writerEnd) = try Self.pipe()
        defer { close(reader) }
        let writer = LogLineWriter(fileDescriptor: writerEnd, maximumQueuedBytes: 64 * 1024)
        let line = String(repeating: "x", count: 99)
        // 1 MiB of lines against a 64 KiB pipe and a 64 KiB queue, with nobody reading: a writer
        // that wrote in place would hang here (and the time limit would end the test).
        for _ in 0..<10_000 { writer.write(line) }
        let dropped = writer.droppedLines
        #expect(dropped > 0)
        #expect(dropped < 10_000)

        let collected = Collector(reading: reader)
        #expect(writer.flush(timeout: .seconds(10)))
        close(writerEnd)
        let output = try collected.output()
        let lines = output.split(separator: "\n")
        let kept = lines.filter { $0 == line }.count
        #expect(kept + dropped == 10_000)
        // The notes (one per batch that followed drops) add up to what was dropped.
        let prefix = #""message":"log lines dropped","dropped":""#
        let noted = lines.compactMap { entry -> Int? in
            guard let start = entry.range(of: prefix)?.upperBound else { return nil }
            return Int(entry[start...].prefix { $0.isNumber })
        }
        #expect(!noted.isEmpty)
        #expect(noted.reduce(0, +) == dropped)
    }
}

/// Reads a descriptor to its end on a thread of its own (never on the test's cooperative pool,
/// where a blocking read could starve other tests).
private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String?
    private let done = DispatchSemaphore(value: 0)

    init(reading descriptor: Int32) {
        Thread {
            let text = LogLineWriterTests.readAll(descriptor)
            self.lock.withLock { self.text = text }
            self.done.signal()
        }.start()
    }

    /// Everything read, once the write end has been closed.
    func output() throws -> String {
        guard self.done.wait(timeout: .now() + 20) == .success, let text = self.lock.withLock({ self.text }) else {
            throw POSIXError(.ETIMEDOUT)
        }
        return text
    }
}
