import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes log lines to a file descriptor from a thread of its own, so that logging never blocks
/// the caller.
///
/// Why: every served call logs a line, and handlers run on the connection's event loop. Written
/// in place, a log pipe that stops draining (a stalled collector, a full journald or container
/// log buffer) would stop every connection on that loop. Here a caller only appends to a queue.
/// When the queue holds ``maximumQueuedBytes`` the newest lines are dropped and counted, and a
/// line after the ones that were kept says how many were lost (`log lines dropped`, `dropped`):
/// losing log lines beats losing the service. ``flush(timeout:)`` waits for the queue to drain;
/// the executables call it before they exit.
public final class LogLineWriter: Sendable {
    /// Standard output, as the JSON log format writes it.
    public static let standardOutput = LogLineWriter(fileDescriptor: 1)

    private struct State {
        var queue: [String] = []
        var queuedBytes = 0
        /// Dropped since the last note of it was written.
        var dropped = 0
        /// Dropped since the writer started.
        var droppedInAll = 0
        /// True while the writer thread is writing a batch taken from the queue.
        var writing = false
    }

    /// The most bytes of lines waiting to be written before new lines are dropped.
    public let maximumQueuedBytes: Int
    private let fileDescriptor: Int32
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let drained = DispatchSemaphore(value: 0)

    /// Creates a writer and starts its thread, which lives as long as the process.
    /// - Parameters:
    ///   - fileDescriptor: where lines go; it stays open and is not closed here.
    ///   - maximumQueuedBytes: the queue's limit. Default 8 MiB.
    public init(fileDescriptor: Int32, maximumQueuedBytes: Int = 8 << 20) {
        self.fileDescriptor = fileDescriptor
        self.maximumQueuedBytes = max(1, maximumQueuedBytes)
        let thread = Thread { [self] in self.drainForever() }
        thread.name = "voucherd-log-writer"
        thread.start()
    }

    /// How many lines were dropped so far, in all, because the queue was full.
    public var droppedLines: Int { self.state.withLock { $0.droppedInAll } }

    /// Queues `line` (without its newline); never blocks on the file descriptor.
    public func write(_ line: String) {
        let size = line.utf8.count + 1
        let wake = self.state.withLock { state -> Bool in
            guard state.queuedBytes + size <= self.maximumQueuedBytes else {
                state.dropped += 1
                state.droppedInAll += 1
                return false
            }
            state.queue.append(line)
            state.queuedBytes += size
            return state.queue.count == 1
        }
        if wake { self.wakeUp.signal() }
    }

    /// Waits until every line queued so far has been written, or `timeout` has passed.
    /// - Returns: whether the queue drained in time.
    @discardableResult
    public func flush(timeout: Duration = .seconds(2)) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while self.state.withLock({ !$0.queue.isEmpty || $0.writing }) {
            guard ContinuousClock.now < deadline else { return false }
            _ = self.drained.wait(timeout: .now() + .milliseconds(10))
        }
        return true
    }

    private func drainForever() {
        while true {
            self.wakeUp.wait()
            while let batch = self.takeBatch() {
                self.writeAll(batch)
                self.state.withLock { $0.writing = false }
                self.drained.signal()
            }
        }
    }

    /// The queued lines joined into one buffer, then a note of the lines dropped after them.
    private func takeBatch() -> [UInt8]? {
        let (lines, dropped) = self.state.withLock { state -> ([String], Int) in
            let taken = (state.queue, state.dropped)
            state.queue = []
            state.queuedBytes = 0
            state.dropped = 0
            state.writing = !taken.0.isEmpty || taken.1 > 0
            return taken
        }
        guard !lines.isEmpty || dropped > 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(200) { $0 + $1.utf8.count + 1 })
        for line in lines {
            bytes += line.utf8
            bytes.append(10)
        }
        if dropped > 0 {
            let timestamp = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
            bytes += Array(
                #"{"timestamp":"\#(timestamp)","level":"warning","label":"voucherd.log","message":"log lines dropped","dropped":"\#(dropped)"}"#
                    .utf8)
            bytes.append(10)
        }
        return bytes
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(self.fileDescriptor, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // A closed or broken output: nothing better to do with the lines.
                }
            }
        }
    }
}
