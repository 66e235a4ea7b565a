import Foundation
import GRPCCore
@testable import IssuanceService
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

/// Identity's merchants, as a test sets them up.
final class FakeMerchantDirectory: MerchantDirectory {
    private let merchants = Mutex<[String: Voucherd_V1_Merchant]>([:])

    func add(_ id: String, status: Voucherd_V1_MerchantStatus = .approved, timeZone: String = "Asia/Shanghai") {
        var merchant = Voucherd_V1_Merchant()
        merchant.merchantID = id
        merchant.name = "Merchant \(id)"
        merchant.status = status
        merchant.timeZone = timeZone
        self.merchants.withLock { $0[id] = merchant }
    }

    func merchant(id: String) async throws -> Voucherd_V1_Merchant? {
        self.merchants.withLock { $0[id] }
    }
}

/// Points are not part of these tests.
struct UnusedPointsLedger: PointsLedger {
    func spend(consumerID: String, points: Int64, reason: String, reference: String, idempotencyKey: String) async throws -> Voucherd_V1_PointsResult {
        throw RPCError(code: .unimplemented, message: "not in these tests")
    }

    func refund(consumerID: String, spendEntryID: String, points: Int64, reason: String, idempotencyKey: String) async throws -> Voucherd_V1_PointsResult {
        throw RPCError(code: .unimplemented, message: "not in these tests")
    }
}

/// Takes the caller's certificate identity from the context's remote peer, so a test names it.
struct RemotePeerIdentity: CallerIdentityResolver {
    func serviceIdentity(of context: ServerContext) -> String? {
        context.remotePeer.isEmpty ? nil : context.remotePeer
    }
}

/// The service under test with what the tests need next to it.
struct IssuanceHarness: Sendable {
    let service: IssuanceService
    let environment: IssuanceEnvironment
    let clock: TestClock
    let merchants: FakeMerchantDirectory

    /// A server context for in-process calls.
    static func context(_ method: String = "Test", peer: String = "in-process") -> ServerContext {
        ServerContext(
            descriptor: MethodDescriptor(fullyQualifiedService: "voucherd.v1.Issuance", method: method),
            remotePeer: peer, localPeer: "in-process", cancellation: ServerContext.RPCCancellationHandle())
    }

    /// A call from the redemption service's certificate.
    static let redemptionContext = context(peer: "spiffe://voucherd/service/redemption")

    /// Creates and activates a campaign of merchant `m1` (approved), as its owner.
    func activeCampaign(
        merchantID: String = "m1", _ edit: (inout Voucherd_V1_CreateCampaignRequest) -> Void = { _ in }
    ) async throws -> Voucherd_V1_Campaign {
        var request = Fixtures.createRequest(merchantID: merchantID)
        edit(&request)
        let owner = Fixtures.merchant(merchantID)
        let created = try await owner.run { try await service.createCampaign(request: request, context: Self.context()) }
        var activate = Voucherd_V1_CampaignTransitionRequest()
        activate.campaignID = created.campaignID
        return try await owner.run { try await service.activateCampaign(request: activate, context: Self.context()) }
    }

    /// Claims as a consumer.
    func claim(_ campaignID: String, as consumer: String, key: String = UUID().uuidString, tier: String? = nil) async throws -> Voucherd_V1_Coupon {
        var request = Voucherd_V1_ClaimCouponRequest()
        request.campaignID = campaignID
        request.idempotencyKey = key
        return try await Fixtures.consumer(consumer, tier: tier).run {
            try await service.claimCoupon(request: request, context: Self.context())
        }
    }
}

/// Runs `body` with an issuance service on a fresh store in a temporary folder, its
/// group-commit writer running, then closes the writer and deletes the folder.
func withIssuanceService<T: Sendable>(
    configuration: IssuanceConfiguration = IssuanceConfiguration(),
    clock: TestClock = TestClock(),
    _ body: (IssuanceHarness) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("issuance-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var storeConfiguration = StoreConfiguration(directory: directory)
    storeConfiguration.synchronous = .normal
    storeConfiguration.logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let store = try VoucherdStore(configuration: storeConfiguration, migrations: IssuanceSchema.migrations)
    let writer = GroupCommitWriter(pool: store.pool)
    let merchants = FakeMerchantDirectory()
    merchants.add("m1")
    merchants.add("m2")
    merchants.add("m-pending", status: .submitted)
    let environment = IssuanceEnvironment(
        store: store,
        writer: writer,
        peers: IssuancePeers(merchants: merchants, points: UnusedPointsLedger()),
        configuration: configuration,
        callers: RemotePeerIdentity(),
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        now: { clock.now }
    )
    let service = try IssuanceService(environment: environment)
    let harness = IssuanceHarness(service: service, environment: environment, clock: clock, merchants: merchants)
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
