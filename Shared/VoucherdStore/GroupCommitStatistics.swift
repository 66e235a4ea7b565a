/// Counters kept by a ``GroupCommitWriter``, for tests and the benchmark.
public struct GroupCommitStatistics: Sendable, Equatable {
    /// Batch transactions whose COMMIT succeeded.
    public var committedTransactions = 0
    /// Batch transactions that failed as a whole (BEGIN, a savepoint, or COMMIT failed).
    public var failedTransactions = 0
    /// Requests taken from the queue into a batch transaction.
    public var batchedRequests = 0
    /// The largest number of requests run in one transaction so far.
    public var largestBatch = 0
    /// Transactions run by ``GroupCommitWriter/writeUnbatched(_:)``.
    public var unbatchedTransactions = 0

    /// All counters at zero.
    public init() {}
}

/// Why a ``GroupCommitWriter`` refused a request.
public enum GroupCommitError: Error, Equatable, Sendable {
    /// The writer is closing or closed; the request was not run.
    case closed
}
