import Foundation
import GRPCCore
@testable import IdentityService
import Logging
import Synchronization
import VoucherdModel
import VoucherdStore

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.current = Mutex(start)
    }

    var now: Date { self.current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        self.current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// Takes the caller's certificate identity from the context's remote peer, so a test names it
/// (``context(_:peer:)``); the default peer "in-process" is nobody's certificate.
struct RemotePeerIdentity: CallerIdentityResolver {
    func serviceIdentity(of context: ServerContext) -> String? {
        context.remotePeer.hasPrefix("spiffe://") ? context.remotePeer : nil
    }
}

/// Runs `body` with an identity service on a fresh store in a temporary folder, its
/// group-commit writer running, then closes the writer and deletes the folder.
func withIdentityService<T: Sendable>(
    configuration: IdentityConfiguration = IdentityConfiguration(),
    clock: TestClock = TestClock(),
    callers: any CallerIdentityResolver = RemotePeerIdentity(),
    _ body: (IdentityService, IdentityEnvironment) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("identity-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var storeConfiguration = StoreConfiguration(directory: directory)
    storeConfiguration.synchronous = .normal
    storeConfiguration.logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let store = try VoucherdStore(configuration: storeConfiguration, migrations: IdentitySchema.migrations)
    let writer = GroupCommitWriter(pool: store.pool)
    let environment = IdentityEnvironment(
        store: store,
        writer: writer,
        configuration: configuration,
        callers: callers,
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        now: { clock.now }
    )
    let service = try IdentityService(environment: environment)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await writer.run() }
        do {
            let result = try await body(service, environment)
            await writer.close()
            try await group.waitForAll()
            return result
        } catch {
            await writer.close()
            try? await group.waitForAll()
            throw error
        }
    }
}

/// Runs `body` as `principal` (nil: unauthenticated), as the authentication interceptor would.
func acting<T: Sendable>(as principal: Principal?, _ body: () async throws -> T) async throws -> T {
    try await Principal.$current.withValue(principal) { try await body() }
}
