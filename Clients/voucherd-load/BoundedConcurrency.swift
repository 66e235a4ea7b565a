/// Setup and verification work (registering users, minting tokens, reading balances) that
/// must not flood the services: at most `concurrency` bodies run at once.
enum BoundedConcurrency {
    /// Runs `body` for every index in `0..<count`, at most `concurrency` at a time, and
    /// returns the results in index order. The first error cancels the rest and is thrown.
    static func map<T: Sendable>(
        count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [T] {
        precondition(concurrency > 0, "concurrency must be positive")
        return try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: count)
            var next = 0
            while next < min(concurrency, count) {
                let index = next
                group.addTask { (index, try await body(index)) }
                next += 1
            }
            while let (index, value) = try await group.next() {
                results[index] = value
                if next < count {
                    let index = next
                    group.addTask { (index, try await body(index)) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}
