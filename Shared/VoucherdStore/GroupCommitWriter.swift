import Dispatch
public import GRDB
import Metrics
import Synchronization

/// Serialises writes through the pool's single writer connection, committing the requests that
/// queued up meanwhile in one transaction (one fsync) — group commit.
///
/// Each request runs inside its own SAVEPOINT: a request that throws rolls back only its own
/// changes and alone receives its error. Nobody is answered before the batch's COMMIT has
/// returned, so an answered write is durable (with `synchronous=FULL`). If the transaction
/// itself fails (BEGIN, a savepoint statement, or COMMIT), every request in it gets that error.
///
/// Ownership of the draining loop: the owner must run ``run()`` in a structured task (a task
/// group or a swift-service-lifecycle `ServiceGroup`); requests queue until it runs. ``close()``
/// (or cancelling the task running ``run()``) stops accepting requests, drains the queue and
/// makes ``run()`` return.
///
/// Metrics (swift-metrics): timer `voucherd_store_commit_duration` (per transaction, batched or
/// not) and recorder `voucherd_store_commit_batch_size`.
public final class GroupCommitWriter: Sendable {
    private struct Outcome: Sendable {
        let succeeded: Bool
        let answer: @Sendable () -> Void
    }

    private struct Request: Sendable {
        /// Runs the caller's body and returns how to answer it once the batch has committed.
        let perform: @Sendable (Database) -> Outcome
        let fail: @Sendable (any Error) -> Void
    }

    private enum Step: Sendable {
        case batch([Request])
        case finished
        case wait
    }

    private struct State: Sendable {
        var queue: [Request] = []
        var wakeUp: CheckedContinuation<Void, Never>?
        var closing = false
        var running = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
        var statistics = GroupCommitStatistics()
    }

    /// The largest number of requests committed in one transaction.
    public let maximumBatchSize: Int
    private let pool: DatabasePool
    private let checkpointer: WALCheckpointer?
    private let state = Mutex(State())
    // The batch runs on GRDB's blocking API on this queue rather than on its async API, so a
    // batch that has started always finishes: cancelling the owner's task must not interrupt a
    // transaction whose callers are waiting to be answered.
    private let commitQueue = DispatchQueue(label: "voucherd.store.group-commit")
    private let commitTimer: Metrics.Timer
    private let batchSizeRecorder: Recorder

    /// Creates a writer on `pool`'s writer connection. It leaves checkpoints to the store's
    /// ``WALCheckpointer`` thresholds; services use ``init(store:maximumBatchSize:metricsDimensions:)``.
    ///
    /// - Parameters:
    ///   - pool: The store's pool (``VoucherdStore/pool``).
    ///   - maximumBatchSize: The most requests per transaction; default 128, at least 1.
    ///   - metricsDimensions: Added to the writer's metrics, e.g. `[("service", "identity")]`.
    public convenience init(
        pool: DatabasePool, maximumBatchSize: Int = 128, metricsDimensions: [(String, String)] = []
    ) {
        self.init(pool: pool, checkpointer: nil, maximumBatchSize: maximumBatchSize, metricsDimensions: metricsDimensions)
    }

    /// Creates a writer on `store`'s writer connection that also checkpoints the log whenever
    /// its queue runs empty (``WALCheckpointer``), rather than inside a busy commit.
    ///
    /// - Parameters:
    ///   - store: The store.
    ///   - maximumBatchSize: The most requests per transaction; default 128, at least 1.
    ///   - metricsDimensions: Added to the writer's metrics, e.g. `[("service", "identity")]`.
    public convenience init(
        store: VoucherdStore, maximumBatchSize: Int = 128, metricsDimensions: [(String, String)] = []
    ) {
        self.init(
            pool: store.pool, checkpointer: store.checkpointer, maximumBatchSize: maximumBatchSize,
            metricsDimensions: metricsDimensions)
    }

    private init(
        pool: DatabasePool, checkpointer: WALCheckpointer?, maximumBatchSize: Int, metricsDimensions: [(String, String)]
    ) {
        self.pool = pool
        self.checkpointer = checkpointer
        self.maximumBatchSize = max(1, maximumBatchSize)
        self.commitTimer = Metrics.Timer(
            label: "voucherd_store_commit_duration", dimensions: metricsDimensions)
        self.batchSizeRecorder = Recorder(
            label: "voucherd_store_commit_batch_size", dimensions: metricsDimensions)
    }

    /// A snapshot of the writer's counters.
    public var statistics: GroupCommitStatistics {
        state.withLock { $0.statistics }
    }

    /// How many requests are waiting for the next batch.
    public var queuedCount: Int {
        state.withLock { $0.queue.count }
    }

    /// Runs `body` in the next batch transaction, inside its own savepoint, and returns its
    /// result once that transaction has committed.
    ///
    /// The body runs on the writer connection; keep it short and free of blocking work other
    /// than SQL, because the whole batch waits for it. It must use the `Database` it is given
    /// and never the pool (GRDB forbids reentrant access). Cancelling the caller does not
    /// withdraw a queued request.
    ///
    /// - Throws: The body's error (only its savepoint was rolled back), the transaction's error
    ///   (nothing in the batch was committed), or ``GroupCommitError/closed``.
    public func write<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let request = Request(
                perform: { db in
                    do {
                        let value = try body(db)
                        return Outcome(succeeded: true) { continuation.resume(returning: value) }
                    } catch {
                        return Outcome(succeeded: false) { continuation.resume(throwing: error) }
                    }
                },
                fail: { continuation.resume(throwing: $0) })
            enqueue(request)
        }
    }

    /// Runs `body` in a transaction of its own, bypassing the queue: the baseline the
    /// benchmark compares group commit against.
    public func writeUnbatched<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try await pool.write(body)
        commitTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
        state.withLock { $0.statistics.unbatchedTransactions += 1 }
        return value
    }

    /// The draining loop: takes queued requests in batches and commits them, until ``close()``
    /// is called or the surrounding task is cancelled, and then until the queue is empty.
    ///
    /// Returns at once if another `run()` is already active.
    public func run() async {
        let alreadyRunning = state.withLock { state in
            defer { state.running = true }
            return state.running
        }
        guard !alreadyRunning else { return }
        await withTaskCancellationHandler {
            while let batch = await nextBatch() {
                await commit(batch)
                if let checkpointer, checkpointer.wantsIdleCheckpoint, queuedCount == 0 {
                    await checkpoint(checkpointer)
                }
            }
        } onCancel: {
            beginClosing()
        }
        let waiters = state.withLock { state in
            state.running = false
            defer { state.closeWaiters = [] }
            return state.closeWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stops accepting requests and waits until ``run()`` has drained the queue. If no `run()`
    /// is active, queued requests fail with ``GroupCommitError/closed``.
    public func close() async {
        let (wakeUp, orphans, mustWait) = state.withLock {
            state -> (CheckedContinuation<Void, Never>?, [Request], Bool) in
            state.closing = true
            let wakeUp = state.wakeUp
            state.wakeUp = nil
            if state.running { return (wakeUp, [], true) }
            let orphans = state.queue
            state.queue = []
            return (wakeUp, orphans, false)
        }
        wakeUp?.resume()
        for request in orphans { request.fail(GroupCommitError.closed) }
        guard mustWait else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = state.withLock { state in
                if !state.running { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
    }

    private func enqueue(_ request: Request) {
        let (accepted, wakeUp) = state.withLock {
            state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.closing else { return (false, nil) }
            state.queue.append(request)
            defer { state.wakeUp = nil }
            return (true, state.wakeUp)
        }
        guard accepted else {
            request.fail(GroupCommitError.closed)
            return
        }
        wakeUp?.resume()
    }

    private func beginClosing() {
        let wakeUp = state.withLock { state in
            state.closing = true
            defer { state.wakeUp = nil }
            return state.wakeUp
        }
        wakeUp?.resume()
    }

    private func nextBatch() async -> [Request]? {
        while true {
            let step = state.withLock { state -> Step in
                if !state.queue.isEmpty {
                    let count = min(maximumBatchSize, state.queue.count)
                    let batch = Array(state.queue.prefix(count))
                    state.queue.removeFirst(count)
                    return .batch(batch)
                }
                return state.closing ? .finished : .wait
            }
            switch step {
            case .batch(let batch): return batch
            case .finished: return nil
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state in
                        if !state.queue.isEmpty || state.closing { return true }
                        state.wakeUp = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    private func commit(_ batch: [Request]) async {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = await onCommitQueue { [pool] in Result { try Self.runTransaction(batch, on: pool) } }
        commitTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
        batchSizeRecorder.record(batch.count)
        state.withLock { state in
            state.statistics.batchedRequests += batch.count
            state.statistics.largestBatch = max(state.statistics.largestBatch, batch.count)
            switch result {
            case .success: state.statistics.committedTransactions += 1
            case .failure: state.statistics.failedTransactions += 1
            }
        }
        switch result {
        case .success(let outcomes):
            for outcome in outcomes { outcome.answer() }
        case .failure(let error):
            for request in batch { request.fail(error) }
        }
    }

    /// Checkpoints on the writer connection while nobody is waiting. A request arriving
    /// meanwhile waits for it, as it would have for SQLite's auto-checkpoint inside a commit.
    private func checkpoint(_ checkpointer: WALCheckpointer) async {
        await onCommitQueue { [pool] in pool.writeWithoutTransaction { db in checkpointer.checkpointIdle(db) } }
    }

    /// Runs `body` on the commit queue and returns its result.
    private func onCommitQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            commitQueue.async { continuation.resume(returning: body()) }
        }
    }

    private static func runTransaction(_ batch: [Request], on pool: DatabasePool) throws -> [Outcome] {
        try pool.writeWithoutTransaction { db in
            var outcomes: [Outcome] = []
            outcomes.reserveCapacity(batch.count)
            try db.inTransaction(.immediate) {
                for request in batch {
                    var outcome: Outcome?
                    // A failure of the savepoint statements themselves (or SQLite having rolled
                    // back the whole transaction) escapes here and fails the batch.
                    try db.inSavepoint {
                        let result = request.perform(db)
                        outcome = result
                        return result.succeeded ? .commit : .rollback
                    }
                    if let outcome { outcomes.append(outcome) }
                }
                return .commit
            }
            return outcomes
        }
    }
}
