import Synchronization

/// Whether the service is ready for traffic; `/readyz` answers 200 only while it is set.
/// A service marks itself ready once its dependencies are up, and not ready when draining.
public final class Readiness: Sendable {
    private let ready: Mutex<Bool>

    /// Creates the flag.
    /// - Parameter ready: the initial state; not ready by default.
    public init(ready: Bool = false) {
        self.ready = Mutex(ready)
    }

    /// Whether the service is ready.
    public var isReady: Bool { self.ready.withLock { $0 } }

    /// Marks the service ready.
    public func markReady() { self.ready.withLock { $0 = true } }

    /// Marks the service not ready.
    public func markNotReady() { self.ready.withLock { $0 = false } }
}
