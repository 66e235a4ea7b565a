import Foundation

/// `voucherd-identity` as a ``RunningService``.
enum IdentityExecutable: ServiceExecutable {
    static let name = "voucherd-identity"
}

/// A started `voucherd-identity`, ready.
typealias RunningIdentity = RunningService<IdentityExecutable>

extension RunningIdentity {
    /// Starts identity on the fixture, with `extra` arguments, and waits until it is ready.
    /// - Throws: ``E2EError`` with the output if it exits first.
    static func start(_ fixture: IdentityFixture, extra: [String] = []) async throws -> RunningIdentity {
        try await Self.launch(arguments: fixture.arguments(extra: extra))
    }
}

/// Runs `body` with identity started on the fixture, stopping it (SIGTERM) afterwards.
func withRunningIdentity<T>(_ fixture: IdentityFixture, _ body: (RunningIdentity) async throws -> T) async throws -> T {
    let identity = try await RunningIdentity.start(fixture)
    do {
        let result = try await body(identity)
        _ = await identity.stop()
        return result
    } catch {
        _ = await identity.stop()
        throw error
    }
}
