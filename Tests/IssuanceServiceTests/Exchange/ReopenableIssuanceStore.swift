import Foundation
import GRDB
@testable import IssuanceService
import Logging
import VoucherdModel
import VoucherdStore

/// A store folder that outlives one service value, so a test can stop issuance (as a crash
/// would, mid-saga) and start a fresh ``IssuanceService`` over the same file.
struct ReopenableIssuanceStore: Sendable {
    let directory: URL
    let clock: TestClock
    let merchants: FakeMerchantDirectory
    let points: FakePointsLedger

    /// Opens the store (migrating it the first time), runs a writer and a new service over it
    /// for `body`, then closes the writer; the file stays.
    func run<T: Sendable>(
        configuration: IssuanceConfiguration = IssuanceConfiguration(), _ body: (IssuanceHarness) async throws -> T
    ) async throws -> T {
        var storeConfiguration = StoreConfiguration(directory: self.directory)
        storeConfiguration.synchronous = .normal
        storeConfiguration.logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try VoucherdStore(configuration: storeConfiguration, migrations: IssuanceSchema.migrations)
        let writer = GroupCommitWriter(pool: store.pool)
        let clock = self.clock
        let environment = IssuanceEnvironment(
            store: store, writer: writer, peers: IssuancePeers(merchants: self.merchants, points: self.points),
            configuration: configuration, callers: RemotePeerIdentity(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), now: { clock.now })
        let harness = IssuanceHarness(
            service: try IssuanceService(environment: environment), environment: environment, clock: clock, merchants: self.merchants)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await writer.run() }
            do {
                let result = try await body(harness)
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
}

/// Runs `body` with a reopenable store in a temporary folder, deleted afterwards.
func withReopenableIssuanceStore<T: Sendable>(_ body: (ReopenableIssuanceStore) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("issuance-saga-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let merchants = FakeMerchantDirectory()
    merchants.add("m1")
    let store = ReopenableIssuanceStore(directory: directory, clock: TestClock(), merchants: merchants, points: FakePointsLedger())
    return try await body(store)
}

extension IssuanceHarness {
    /// Exchanges points as a consumer (or as `principal`).
    func exchange(
        _ campaignID: String, as consumer: String, key: String = UUID().uuidString
    ) async throws -> Voucherd_V1_Coupon {
        var request = Voucherd_V1_ExchangePointsRequest()
        request.campaignID = campaignID
        request.idempotencyKey = key
        return try await Fixtures.consumer(consumer).run {
            try await self.service.exchangePoints(request: request, context: Self.context())
        }
    }

    /// The number of coupons a consumer holds, by origin.
    func couponCount(of consumer: String, origin: String = "points") async throws -> Int {
        try await self.environment.store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM coupons WHERE consumer_id = ? AND origin = ?", arguments: [consumer, origin]) ?? 0
        }
    }

    /// The states of every saga, oldest first.
    func sagaStates() async throws -> [String] {
        try await self.environment.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT state FROM points_sagas ORDER BY created_at_us, id")
        }
    }
}
