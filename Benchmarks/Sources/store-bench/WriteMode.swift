/// How a benchmark cell sends its writes to the store.
enum WriteMode: String, CaseIterable, Codable, Sendable {
    /// `GroupCommitWriter.write`: queued, one transaction and one fsync per batch, a savepoint
    /// per request.
    case group
    /// `GroupCommitWriter.writeUnbatched`: one transaction (and one fsync) per request.
    case unbatched
}
