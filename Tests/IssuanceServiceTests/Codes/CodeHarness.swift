import Foundation
import GRDB
import GRPCCore
@testable import IssuanceService
import Synchronization
import VoucherdModel
import VoucherdStore

/// Collects what a server-streaming handler writes.
final class CollectingWriter<Element: Sendable>: RPCWriterProtocol, Sendable {
    private let collected = Mutex<[Element]>([])

    var elements: [Element] { self.collected.withLock { $0 } }

    func write(_ element: Element) async throws {
        self.collected.withLock { $0.append(element) }
    }

    func write(contentsOf elements: some Sequence<Element>) async throws {
        let elements = Array(elements)
        self.collected.withLock { $0.append(contentsOf: elements) }
    }
}

extension IssuanceHarness {
    /// An active code campaign of `m1` with the default format (12 random symbols, groups of 4).
    func codeCampaign(
        binding: Voucherd_V1_CodeBinding = .firstClaimer, inventory: UInt64 = 1_000,
        _ edit: (inout Voucherd_V1_CreateCampaignRequest) -> Void = { _ in }
    ) async throws -> Voucherd_V1_Campaign {
        try await self.activeCampaign {
            $0.distribution = .code
            $0.codeBinding = binding
            $0.rules.inventory = inventory
            edit(&$0)
        }
    }

    /// Runs GenerateCodes and returns the progress it streamed.
    @discardableResult
    func generate(
        _ campaignID: String, count: UInt64, key: String = UUID().uuidString, as principal: Principal = Fixtures.merchant("m1")
    ) async throws -> [Voucherd_V1_GenerateCodesProgress] {
        var request = Voucherd_V1_GenerateCodesRequest()
        request.campaignID = campaignID
        request.count = count
        request.idempotencyKey = key
        let writer = CollectingWriter<Voucherd_V1_GenerateCodesProgress>()
        try await principal.run {
            try await service.generateCodes(request: request, response: RPCWriter(wrapping: writer), context: Self.context())
        }
        return writer.elements
    }

    /// Runs ExportCodes and returns every entry.
    func export(_ campaignID: String, as principal: Principal = Fixtures.merchant("m1")) async throws -> [Voucherd_V1_CouponCodeEntry] {
        var request = Voucherd_V1_ExportCodesRequest()
        request.campaignID = campaignID
        let writer = CollectingWriter<Voucherd_V1_CouponCodeEntry>()
        try await principal.run {
            try await service.exportCodes(request: request, response: RPCWriter(wrapping: writer), context: Self.context())
        }
        return writer.elements
    }

    /// Claims a code as a consumer.
    func claimCode(_ code: String, as consumer: String, key: String = UUID().uuidString) async throws -> Voucherd_V1_Coupon {
        var request = Voucherd_V1_ClaimCodeRequest()
        request.code = code
        request.idempotencyKey = key
        return try await Fixtures.consumer(consumer).run {
            try await service.claimCode(request: request, context: Self.context())
        }
    }

    /// Runs a query on a reader.
    func count(_ sql: String) async throws -> Int {
        try await self.environment.store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }
}
