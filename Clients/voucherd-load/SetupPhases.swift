import Foundation

/// Times the steps before and after the timed phase, for the report: minting 50k tokens
/// takes a while, and people should see where that time went.
struct SetupPhases: Sendable {
    private(set) var phases: [LoadReport.Phase] = []

    /// Runs `body`, printing its name first (so a slow setup is not a silent one) and
    /// recording how long it took.
    mutating func measure<T: Sendable>(_ name: String, _ body: () async throws -> T) async rethrows -> T {
        print("\(name)…")
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await body()
        let elapsed = clock.now - start
        self.phases.append(.init(name: name, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        return result
    }
}
