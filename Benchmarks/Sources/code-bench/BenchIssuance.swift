import Foundation
import GRDB
import GRPCCore
@_spi(Benchmarks) import IssuanceService
import Logging
import VoucherdModel
import VoucherdStore

/// An issuance service on a fresh store with the production settings (WAL, `synchronous=FULL`),
/// its group-commit writer running, called in process as the RPC server would call it.
struct BenchIssuance {
    static let merchantID = "m-bench"

    let store: VoucherdStore
    let writer: GroupCommitWriter
    let service: IssuanceService
    let merchant = Principal(subject: "acct-bench", role: .merchant, merchantID: Self.merchantID)

    init(directory: URL) throws {
        let quiet = Logger(label: "code-bench", factory: { _ in SwiftLogNoOpLogHandler() })
        var configuration = StoreConfiguration(directory: directory, logger: quiet)
        configuration.synchronous = .full
        self.store = try VoucherdStore(configuration: configuration, migrations: IssuanceSchema.migrations)
        self.writer = GroupCommitWriter(pool: self.store.pool)
        let environment = IssuanceEnvironment(
            store: self.store, writer: self.writer,
            peers: IssuancePeers(merchants: ApprovedMerchant(), points: NoPoints()), logger: quiet)
        self.service = try IssuanceService(environment: environment)
    }

    /// Creates and activates a code campaign of `inventory` codes with the default format.
    func codeCampaign(inventory: Int) async throws -> String {
        var create = Voucherd_V1_CreateCampaignRequest()
        create.merchantID = Self.merchantID
        create.name = "Bench"
        create.description_p = "code-bench"
        create.benefit.fixedAmount.off.currency = "CNY"
        create.benefit.fixedAmount.off.minorUnits = 500
        create.rules.validity.afterClaim.days = 30
        create.rules.inventory = UInt64(inventory)
        create.rules.perUserTotal = 1
        create.distribution = .code
        create.codeBinding = .firstClaimer
        create.idempotencyKey = UUID().uuidString
        let campaign = try await self.call { try await self.service.createCampaign(request: create, context: Self.context()) }
        var activate = Voucherd_V1_CampaignTransitionRequest()
        activate.campaignID = campaign.campaignID
        _ = try await self.call { try await self.service.activateCampaign(request: activate, context: Self.context()) }
        return campaign.campaignID
    }

    /// GenerateCodes as the RPC runs it, noting when each progress message arrives; with
    /// `sizes`, the same handler with the run cut up differently.
    func generate(
        campaignID: String, count: Int, key: String, sizes: IssuanceService.CodeRunSizes?
    ) async throws -> [ProgressRecorder.Entry] {
        var request = Voucherd_V1_GenerateCodesRequest()
        request.campaignID = campaignID
        request.count = UInt64(count)
        request.idempotencyKey = key
        let recorder = ProgressRecorder()
        try await self.call {
            if let sizes {
                try await self.service.generateCodes(request: request, response: RPCWriter(wrapping: recorder), sizes: sizes)
            } else {
                try await self.service.generateCodes(
                    request: request, response: RPCWriter(wrapping: recorder), context: Self.context())
            }
        }
        return recorder.entries
    }

    /// ExportCodes, as the merchant would print them.
    func export(campaignID: String) async throws -> [String] {
        var request = Voucherd_V1_ExportCodesRequest()
        request.campaignID = campaignID
        let collector = CodeCollector()
        try await self.call {
            try await self.service.exportCodes(request: request, response: RPCWriter(wrapping: collector), context: Self.context())
        }
        return collector.codes
    }

    /// Runs `body` as the merchant, as the authentication interceptor would.
    private func call<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await Principal.$current.withValue(self.merchant) { try await body() }
    }

    private static func context() -> ServerContext {
        ServerContext(
            descriptor: MethodDescriptor(fullyQualifiedService: "voucherd.v1.Issuance", method: "Bench"),
            remotePeer: "in-process", localPeer: "in-process", cancellation: ServerContext.RPCCancellationHandle())
    }
}

/// Identity's answer for the bench's merchant: approved.
private struct ApprovedMerchant: MerchantDirectory {
    func merchant(id: String) async throws -> Voucherd_V1_Merchant? {
        var merchant = Voucherd_V1_Merchant()
        merchant.merchantID = id
        merchant.name = "Bench merchant"
        merchant.status = .approved
        merchant.timeZone = "Asia/Shanghai"
        return merchant
    }
}

/// Points play no part in code generation.
private struct NoPoints: PointsLedger {
    func spend(consumerID: String, points: Int64, reason: String, reference: String, idempotencyKey: String) async throws -> Voucherd_V1_PointsResult {
        throw RPCError(code: .unimplemented, message: "not in the bench")
    }

    func refund(consumerID: String, spendEntryID: String, points: Int64, reason: String, idempotencyKey: String) async throws -> Voucherd_V1_PointsResult {
        throw RPCError(code: .unimplemented, message: "not in the bench")
    }
}
