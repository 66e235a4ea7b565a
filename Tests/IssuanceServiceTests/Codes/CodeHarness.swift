import Foundation
import GRDB
import GRPCCore
@_spi(Benchmarks) @testable import IssuanceService
import Synchronization
import VoucherdModel
import VoucherdStore

/// Collects what a server-streaming handler writes; with `failingAfter`, fails every write
/// after that many, as a stream whose client went away.
final class CollectingWriter<Element: Sendable>: RPCWriterProtocol, Sendable {
    private let collected = Mutex<[Element]>([])
    private let failingAfter: Int?

    init(failingAfter: Int? = nil) {
        self.failingAfter = failingAfter
    }

    var elements: [Element] { self.collected.withLock { $0 } }

    func write(_ element: Element) async throws {
        try self.collected.withLock { collected in
            if let failingAfter, collected.count >= failingAfter { throw RPCError(code: .cancelled, message: "client went away") }
            collected.append(element)
        }
    }

    func write(contentsOf elements: some Sequence<Element>) async throws {
        for element in elements { try await self.write(element) }
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

    /// Runs GenerateCodes and returns the progress it streamed; `sizes` cuts the run up finer
    /// than production does, to reach chunk and window boundaries with few codes.
    @discardableResult
    func generate(
        _ campaignID: String, count: UInt64, key: String = UUID().uuidString, as principal: Principal = Fixtures.merchant("m1"),
        sizes: IssuanceService.CodeRunSizes? = nil, into writer: CollectingWriter<Voucherd_V1_GenerateCodesProgress> = .init()
    ) async throws -> [Voucherd_V1_GenerateCodesProgress] {
        var request = Voucherd_V1_GenerateCodesRequest()
        request.campaignID = campaignID
        request.count = count
        request.idempotencyKey = key
        try await principal.run {
            if let sizes {
                try await service.generateCodes(request: request, response: RPCWriter(wrapping: writer), sizes: sizes)
            } else {
                try await service.generateCodes(request: request, response: RPCWriter(wrapping: writer), context: Self.context())
            }
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
