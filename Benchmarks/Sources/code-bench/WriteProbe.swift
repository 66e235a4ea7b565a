import GRDB
import VoucherdStore

/// What a claim queued behind code generation would wait: a trivial write every `interval`,
/// timed from the call to its acknowledgement (durable, like every write).
struct WriteProbe {
    let writer: GroupCommitWriter
    let interval: Duration

    /// Probes until the task is cancelled.
    /// - Returns: each write's latency in nanoseconds.
    func run() async -> [Int64] {
        var latencies: [Int64] = []
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let started = clock.now
            do {
                try await self.writer.write { db in try db.execute(sql: "SELECT 1") }
            } catch {
                break
            }
            latencies.append((clock.now - started).nanoseconds)
            try? await Task.sleep(for: self.interval)
        }
        return latencies
    }
}
