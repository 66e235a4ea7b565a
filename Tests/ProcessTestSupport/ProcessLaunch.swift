public import Foundation

/// Starts child processes one at a time across the whole test binary.
///
/// swift-corelibs-foundation's `Process.run()` is not safe to call from several threads at
/// once: under `swift test --parallel` it crashed with a bad `memcpy` inside `run()` when two
/// suites (in different test targets, which share one process) launched children together. Every
/// test that starts a process goes through this one lock; only the launch is serialised, the
/// children then run in parallel.
public enum ProcessLaunch {
    private static let lock = NSLock()

    /// Runs `process` (its executable, arguments and pipes already set).
    /// - Throws: whatever `Process.run()` throws, such as a missing executable.
    public static func run(_ process: Process) throws {
        try self.lock.withLock { try process.run() }
    }

    /// Runs `body` under the same lock (``SpawnedProcess`` creates its pipes and spawns in it).
    public static func locked<T>(_ body: () throws -> T) rethrows -> T {
        try self.lock.withLock(body)
    }
}
