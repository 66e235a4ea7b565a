import Foundation
import GRDB
public import GRPCCore
import Logging
public import VoucherdModel
import VoucherdStore

// Bulk code generation: the campaign's merchant (owner or staff) and operators.
extension IssuanceService {
    /// Codes generated in memory and stored per transaction. Each chunk holds the writer for
    /// roughly a tenth of a second, so claims queued behind it wait at most that long.
    static let codesPerChunk = 50_000

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
        try await self.handling("GenerateCodes") {
            let principal = try Principal.required()
            try principal.require(.merchant, .merchantStaff, .operator)
            try RequestChecks.id(request.campaignID, prefix: "cmp_", field: "campaign_id")
            guard (1...10_000_000).contains(request.count) else {
                throw IssuanceError.invalidArgument(field: "count", reason: "must be between 1 and 10000000")
            }
            try RequestChecks.idempotencyKey(request.idempotencyKey)
            let hash = try RequestChecks.digest(request)
            let (run, campaign) = try await self.startRun(request, principal: principal, hash: hash)
            var generated = run.generated
            if run.isDone {
                try await response.write(Self.progress(generated, of: run.total))
                return
            }
            let format = campaign.couponCodeFormat
            var random = SecureCodeRandom()
            while generated < run.total {
                let size = Int(min(Int64(Self.codesPerChunk), run.total - generated))
                let codes = (0..<size).map { _ in format.generate(using: &random).canonical }
                generated = try await self.storeChunk(codes, of: run, campaign: campaign, actor: principal.subject)
                try await response.write(Self.progress(generated, of: run.total))
            }
        }
    }

    /// Finds the run of this key, or checks the request and records a new one.
    private func startRun(
        _ request: Voucherd_V1_GenerateCodesRequest, principal: Principal, hash: Data
    ) async throws -> (CodeRunRepository.Run, CampaignRecord) {
        let now = self.environment.now().micros
        return try await self.environment.writer.write { db in
            let campaign = try CampaignRepository.require(request.campaignID, in: db)
            try principal.requireMerchantScope(campaign.merchantID)
            if let run = try CodeRunRepository.fetch(principal: principal.subject, key: request.idempotencyKey, in: db) {
                guard run.requestHash == hash else { throw IdempotencyError.keyReusedWithDifferentRequest(
                    principal: principal.subject, method: Methods.generateCodes, key: request.idempotencyKey) }
                return (run, campaign)
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
            return (run, campaign)
        }
    }

    /// Stores one chunk of codes for the run, regenerating any that collide with a stored code,
    /// and advances the run in the same transaction.
    /// - Returns: how many codes the run has stored in all.
    private func storeChunk(
        _ codes: [String], of run: CodeRunRepository.Run, campaign: CampaignRecord, actor: String
    ) async throws -> Int64 {
        let now = self.environment.now()
        let recorder = ChangeRecorder(environment: self.environment)
        let format = campaign.couponCodeFormat
        return try await self.environment.writer.write { db in
            // A concurrent retry of the same run may have stored chunks since: never overshoot.
            guard let current = try CodeRunRepository.fetch(principal: run.principal, key: run.key, in: db) else {
                throw IssuanceError.internalError
            }
            let needed = Int(min(Int64(codes.count), current.total - current.generated))
            guard needed > 0 else { return current.generated }
            var stored = try CodeRepository.insert(Array(codes.prefix(needed)), campaignID: run.campaignID, in: db)
            var random = SecureCodeRandom()
            var attempts = 0
            while stored < needed {
                // A collision with 60 random bits is rare; a run of them means a broken generator.
                attempts += 1
                guard attempts <= 16 else { throw IssuanceError.internalError }
                let more = (0..<(needed - stored)).map { _ in format.generate(using: &random).canonical }
                stored += try CodeRepository.insert(more, campaignID: run.campaignID, in: db)
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
