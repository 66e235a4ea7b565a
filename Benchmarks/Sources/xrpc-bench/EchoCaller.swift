import Foundation

/// One connection's worth of echo calls. Callers may share it: every cell puts
/// `inFlightPerConnection` concurrent callers on each.
protocol EchoCaller: Sendable {
    /// One unary echo of `payload`; throws if the call failed in any way.
    func echo(_ payload: Data) async throws
    /// One server-streaming call answered by `count` messages of `size` bytes; returns how
    /// many messages arrived (a short count is a failure, reported by the caller).
    func expand(count: Int, size: Int) async throws -> Int
    /// Closes the connection, letting calls in flight finish.
    func close() async
}
