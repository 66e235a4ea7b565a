import Foundation
import GRDB
public import GRPCCore
import Logging
public import VoucherdModel
import VoucherdStore

// Bulk code generation: the campaign's merchant (owner or staff) and operators.
extension IssuanceService {
    /// Codes stored per transaction. Sorted (see `CodeMint`), a chunk of this size held the
    /// writer 3-10 ms typically and 25-50 ms at p99 on the shared 2-core box, so a claim queued
    /// behind one waits about that long. 10,000 was up to 10% faster on an empty table, slower
    /// on one already holding 4M codes, and held the writer 1.5-2.5 times as long at p99; 2,500
    /// lost up to a third of the throughput to per-commit costs. Benchmarks/README.md has the
    /// code-bench runs.
    static let codesPerChunk = 5_000

    /// Codes generated and sorted at once: 8 MB of random leads. Each window walks the UNIQUE
    /// index once, so a larger one saves little and costs memory for the largest runs.
    static let codesPerWindow = 1_000_000

    /// How a run is cut up: tests use small sizes to reach the boundaries, and code-bench
    /// (Benchmarks/) weighs the writer's hold time against throughput with other chunk sizes.
    @_spi(Benchmarks)
    public struct CodeRunSizes: Sendable {
        /// Codes per transaction.
        public var chunk: Int
        /// Codes generated and sorted at once.
        public var window: Int

        public init(chunk: Int, window: Int) {
            self.chunk = max(1, chunk)
            self.window = max(1, window)
        }

        /// What GenerateCodes uses.
        public static let standard = CodeRunSizes(chunk: IssuanceService.codesPerChunk, window: IssuanceService.codesPerWindow)
    }

    /// Generates `count` unique codes for a code campaign, streaming progress after each
    /// stored chunk.
    ///
    /// Idempotent by key: a run is recorded before its first chunk and advanced with each, so
    /// a retry with the same key (and request) continues where the last attempt stopped, after
    /// a disconnect or a crash alike, and a retry of a finished run answers one final progress
    /// without generating anything. An unfinished run keeps its share of the inventory reserved.
    /// - Throws: INVALID_ARGUMENT naming `count` (0, over 10,000,000, or over what the
    ///   inventory has left), FAILED_PRECONDITION for a campaign that is not a code campaign or
    ///   has ended, PERMISSION_DENIED outside the merchant's scope.
    public func generateCodes(
        request: Voucherd_V1_GenerateCodesRequest,
        response: RPCWriter<Voucherd_V1_GenerateCodesProgress>,
        context: ServerContext
    ) async throws {
        try await self.generateCodes(request: request, response: response, sizes: .standard)
    }

    /// GenerateCodes with a run cut up by `sizes` instead of ``CodeRunSizes/standard``.
    @_spi(Benchmarks)
    public func generateCodes(
        request: Voucherd_V1_GenerateCodesRequest,
        response: RPCWriter<Voucherd_V1_GenerateCodesProgress>,
        sizes: CodeRunSizes
    ) async throws {
        try await self.handlingOffTheEventLoop("GenerateCodes") {
            let principal = try Principal.required()
            try principal.require(.merchant, .merchantStaff, .operator)
            try RequestChecks.id(request.campaignID, prefix: "cmp_", field: "campaign_id")
            guard (1...10_000_000).contains(request.count) else {
                throw IssuanceError.invalidArgument(field: "count", reason: "must be between 1 and 10000000")
            }
            try RequestChecks.idempotencyKey(request.idempotencyKey)
            let hash = try RequestChecks.digest(request)
            let (run, campaign, number) = try await self.startRun(request, principal: principal, hash: hash)
            var generated = run.generated
            if run.isDone {
                try await response.write(Self.progress(generated, of: run.total))
                return
            }
            let format = campaign.couponCodeFormat
            var mint = CodeMint(format: format, random: SecureCodeRandom())
            var leads: ArraySlice<UInt64> = []
            while generated < run.total {
                if leads.isEmpty {
                    leads = mint.window(count: Int(min(Int64(sizes.window), run.total - generated)))[...]
                }
                let size = Int(min(Int64(min(sizes.chunk, leads.count)), run.total - generated))
                let chunk = mint.chunk(leads.prefix(size))
                leads = leads.dropFirst(size)
                generated = try await self.storeChunk(
                    chunk, of: run, campaign: campaign, number: number, actor: principal.subject
                ) { count in
                    var replacements = CodeMint(format: format, random: SecureCodeRandom())
                    return replacements.fresh(count: count)
                }
                try await response.write(Self.progress(generated, of: run.total))
            }
        }
    }

    /// Finds the run of this key, or checks the request and records a new one.
    /// - Returns: the run, its campaign, and the campaign's number in `campaign_codes`.
    private func startRun(
        _ request: Voucherd_V1_GenerateCodesRequest, principal: Principal, hash: Data
    ) async throws -> (CodeRunRepository.Run, CampaignRecord, Int64) {
        let now = self.environment.now().micros
        return try await self.environment.writer.write { db in
            let campaign = try CampaignRepository.require(request.campaignID, in: db)
            try principal.requireMerchantScope(campaign.merchantID)
            if let run = try CodeRunRepository.fetch(principal: principal.subject, key: request.idempotencyKey, in: db) {
                guard run.requestHash == hash else { throw IdempotencyError.keyReusedWithDifferentRequest(
                    principal: principal.subject, method: Methods.generateCodes, key: request.idempotencyKey) }
                return (run, campaign, try CodeRepository.number(of: campaign.id, in: db))
            }
            guard campaign.distribution == .code else {
                throw IssuanceError.failedPrecondition(
                    "Campaign '\(campaign.id)' is distributed by \(CampaignRecord.name(of: campaign.distribution)), not by code.")
            }
            guard campaign.status != .ended else {
                throw IssuanceError.failedPrecondition("Campaign '\(campaign.id)' has ended; it takes no new codes.")
            }
            let reserved = try CodeRunRepository.reserved(campaignID: campaign.id, in: db)
            let left = max(0, campaign.inventory - campaign.codesGenerated - reserved)
            guard Int64(request.count) <= left else {
                throw IssuanceError.invalidArgument(
                    field: "count", reason: "exceeds the \(left) codes the campaign's inventory has left")
            }
            let run = CodeRunRepository.Run(
                principal: principal.subject, key: request.idempotencyKey, requestHash: hash, campaignID: campaign.id,
                total: Int64(request.count), generated: 0)
            try CodeRunRepository.insert(run, now: now, in: db)
            return (run, campaign, try CodeRepository.number(of: campaign.id, in: db))
        }
    }

    /// Stores one chunk of codes for the run, replacing any that collide with a stored code (or
    /// with one another) by `replacements`, and advances the run in the same transaction.
    ///
    /// The chunk is made before the call, off the writer; only replacements, rare with 60
    /// random bits, are made while the writer waits.
    /// - Returns: how many codes the run has stored in all.
    func storeChunk(
        _ chunk: CodeChunk, of run: CodeRunRepository.Run, campaign: CampaignRecord, number: Int64, actor: String,
        replacements: @escaping @Sendable (Int) -> CodeChunk
    ) async throws -> Int64 {
        let now = self.environment.now()
        let recorder = ChangeRecorder(environment: self.environment)
        return try await self.environment.writer.write { db in
            // A concurrent retry of the same run may have stored chunks since: never overshoot.
            guard let current = try CodeRunRepository.fetch(principal: run.principal, key: run.key, in: db) else {
                throw IssuanceError.internalError
            }
            let needed = Int(min(Int64(chunk.count), current.total - current.generated))
            guard needed > 0 else { return current.generated }
            var stored = try CodeRepository.insert(chunk, limit: needed, campaign: number, in: db)
            var attempts = 0
            while stored < needed {
                // A collision with 60 random bits is rare; a run of them means a broken generator.
                attempts += 1
                guard attempts <= 16 else { throw IssuanceError.internalError }
                let more = replacements(needed - stored)
                stored += try CodeRepository.insert(more, limit: needed - stored, campaign: number, in: db)
            }
            try CodeRunRepository.advance(run, by: Int64(needed), now: now.micros, in: db)
            let generated = current.generated + Int64(needed)
            if generated == current.total {
                try recorder.record(
                    "issuance.codes.generated", subject: campaign.id, actor: actor,
                    attributes: ["merchant_id": campaign.merchantID, "count": String(current.total)],
                    now: now, in: db)
            }
            return generated
        }
    }

    private static func progress(_ generated: Int64, of total: Int64) -> Voucherd_V1_GenerateCodesProgress {
        var progress = Voucherd_V1_GenerateCodesProgress()
        progress.generated = UInt64(generated)
        progress.total = UInt64(total)
        progress.done = generated >= total
        return progress
    }
}
