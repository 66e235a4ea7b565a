import Foundation
import GRPCCore
@testable import IssuanceService
import Logging
import Testing
import VoucherdModel
import VoucherdStore

/// A measurement, not a test: `VOUCHERD_CODES_BENCH=1000000 swift test --filter GenerateCodesBenchmark`
/// prints how long GenerateCodes takes to store that many codes on a store with the production
/// settings (`synchronous=FULL`). Skipped unless the variable is set.
@Suite struct GenerateCodesBenchmark {
    static let count = ProcessInfo.processInfo.environment["VOUCHERD_CODES_BENCH"].flatMap(UInt64.init)

    @Test(.enabled(if: Self.count != nil)) func generateCodesTiming() async throws {
        let count = try #require(Self.count)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("codes-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = StoreConfiguration(directory: directory)
        configuration.logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try VoucherdStore(configuration: configuration, migrations: IssuanceSchema.migrations)
        let writer = GroupCommitWriter(pool: store.pool)
        let merchants = FakeMerchantDirectory()
        merchants.add("m1")
        let environment = IssuanceEnvironment(
            store: store, writer: writer, peers: IssuancePeers(merchants: merchants, points: UnusedPointsLedger()),
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let service = try IssuanceService(environment: environment)
        let harness = IssuanceHarness(service: service, environment: environment, clock: TestClock(), merchants: merchants)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await writer.run() }
            let campaign = try await harness.codeCampaign(inventory: count)
            let start = ContinuousClock.now
            let progress = try await harness.generate(campaign.campaignID, count: count)
            let elapsed = ContinuousClock.now - start
            print("generateCodes: \(count) codes stored in \(elapsed) (synchronous=FULL, \(progress.count) chunks)")
            #expect(try await harness.count("SELECT COUNT(*) FROM campaign_codes") == Int(count))
            await writer.close()
            try await group.waitForAll()
        }
    }
}
