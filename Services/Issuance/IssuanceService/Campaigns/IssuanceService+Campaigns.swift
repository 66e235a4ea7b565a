import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// Creating and editing campaigns: merchant owners and staff of an approved merchant, in scope;
// operators for any merchant.
extension IssuanceService {
    /// Creates a draft campaign after checking every field with the VoucherdModel rules.
    public func createCampaign(
        request: Voucherd_V1_CreateCampaignRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        try await self.handling("CreateCampaign") {
            let principal = try Principal.required()
            try principal.require(.merchant, .merchantStaff, .operator)
            try RequestChecks.principalID(request.merchantID, field: "merchant_id")
            try principal.requireMerchantScope(request.merchantID)
            try Self.checkCreateFields(request)
            let merchant = try await self.approvedMerchant(request.merchantID)
            let zoneID = request.timeZone.isEmpty ? merchant.timeZone : request.timeZone
            guard let zone = TimeZone(identifier: zoneID) else {
                throw IssuanceError.invalidArgument(field: "time_zone", reason: "unknown time zone '\(zoneID)'")
            }
            let policy = try CampaignPolicy(benefit: request.benefit, rules: request.rules, timeZone: zone)
            let now = self.environment.now()
            if case .fixed(_, let end) = policy.validity, end <= now {
                throw IssuanceError.invalidArgument(field: "rules.validity.fixed.end_micros", reason: "must be in the future")
            }
            let record = CampaignRecord(
                id: IssuanceID.campaign(), merchantID: request.merchantID, name: request.name,
                description: request.description_p, status: .draft, distribution: request.distribution,
                codeBinding: request.codeBinding, codeFormat: request.codeFormat, benefit: request.benefit,
                storedRules: request.rules, timeZone: zone.identifier,
                claimEndMicros: request.rules.claimEndMicros == 0 ? CampaignPolicy.noEnd : request.rules.claimEndMicros,
                inventory: Int64(request.rules.inventory), issued: 0, budget: policy.budget, budgetUsedMinor: 0,
                redeemed: 0, codesGenerated: 0, createdAtMicros: now.micros, updatedAtMicros: now.micros)
            let hash = try RequestChecks.digest(request)
            let environment = self.environment
            let recorder = ChangeRecorder(environment: environment)
            let response = try await environment.writer.write { db in
                try environment.idempotency.execute(
                    principal: principal.subject, method: Methods.createCampaign, key: request.idempotencyKey,
                    requestHash: hash, now: now, in: db
                ) { db in
                    try CampaignRepository.insert(record, in: db)
                    try recorder.record(
                        "issuance.campaign.created", subject: record.id, actor: principal.subject,
                        attributes: ["merchant_id": record.merchantID, "distribution": CampaignRecord.name(of: record.distribution)],
                        now: now, in: db)
                    return try record.message.serializedBytes()
                }
            }
            return try Voucherd_V1_Campaign(serializedBytes: response)
        }
    }

    /// Edits a campaign. Once it has left draft only harmless edits pass: name, description, a
    /// later claim end, a larger inventory or budget.
    public func updateCampaign(
        request: Voucherd_V1_UpdateCampaignRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        try await self.handling("UpdateCampaign") {
            let principal = try Principal.required()
            try principal.require(.merchant, .merchantStaff, .operator)
            try RequestChecks.id(request.campaignID, prefix: "cmp_", field: "campaign_id")
            if request.hasName { try Self.checkName(request.name) }
            if request.hasDescription_p { try Self.checkDescription(request.description_p) }
            if request.hasClaimEndMicros, request.claimEndMicros < 0 {
                throw IssuanceError.invalidArgument(field: "claim_end_micros", reason: "must not be negative (0 means no end)")
            }
            if request.hasInventory, !(1...100_000_000).contains(request.inventory) {
                throw IssuanceError.invalidArgument(field: "inventory", reason: "must be between 1 and 100000000")
            }
            let budget = request.hasBudget ? try RequestChecks.money(request.budget, isSet: true, field: "budget") : nil
            if let budget, budget.minorUnits <= 0 {
                throw IssuanceError.invalidArgument(field: "budget", reason: "must be positive")
            }
            let now = self.environment.now()
            let recorder = ChangeRecorder(environment: self.environment)
            let updated = try await self.environment.writer.write { db in
                var record = try CampaignRepository.require(request.campaignID, in: db)
                try principal.requireMerchantScope(record.merchantID)
                let changed = try CampaignEdit(request: request, budget: budget).apply(to: &record)
                record.updatedAtMicros = now.micros
                do {
                    _ = try record.policy()
                } catch IssuanceError.invalidArgument(let field, let reason) where field == "rules.budget" {
                    throw IssuanceError.invalidArgument(field: "budget", reason: reason)
                }
                try CampaignRepository.updateEditable(record, in: db)
                try recorder.record(
                    "issuance.campaign.updated", subject: record.id, actor: principal.subject,
                    attributes: ["fields": changed.joined(separator: ",")], now: now, in: db)
                return record
            }
            if request.hasInventory {
                self.stockGate.reset(updated.id)
                self.soldOutClaimants.forget(updated.id)
            }
            return updated.message
        }
    }

    static func checkCreateFields(_ request: Voucherd_V1_CreateCampaignRequest) throws(IssuanceError) {
        try Self.checkName(request.name)
        try Self.checkDescription(request.description_p)
        guard request.hasBenefit else { throw .invalidArgument(field: "benefit", reason: "required") }
        guard request.hasRules else { throw .invalidArgument(field: "rules", reason: "required") }
        switch request.distribution {
        case .claim, .grant: break
        case .code:
            guard request.codeBinding == .firstClaimer || request.codeBinding == .bearer else {
                throw .invalidArgument(field: "code_binding", reason: "required for code campaigns")
            }
            let format = CouponCodeFormat(
                prefix: request.codeFormat.prefix,
                randomLength: request.codeFormat.randomLength == 0 ? 12 : Int(request.codeFormat.randomLength),
                groupSize: request.codeFormat.groupSize == 0 ? 4 : Int(request.codeFormat.groupSize))
            if let problem = format.validationError() {
                throw RequestChecks.ruleError(problem, prefix: "", replacement: "code_format")
            }
        case .unspecified, .UNRECOGNIZED:
            throw .invalidArgument(field: "distribution", reason: "required: claim, grant or code")
        }
        if !request.timeZone.isEmpty, TimeZone(identifier: request.timeZone) == nil {
            throw .invalidArgument(field: "time_zone", reason: "unknown time zone '\(request.timeZone)'")
        }
        try RequestChecks.idempotencyKey(request.idempotencyKey)
    }

    static func checkName(_ name: String) throws(IssuanceError) {
        guard (1...200).contains(name.count), !name.allSatisfy(\.isWhitespace) else {
            throw .invalidArgument(field: "name", reason: "required, at most 200 characters")
        }
    }

    static func checkDescription(_ description: String) throws(IssuanceError) {
        guard description.count <= 2000 else {
            throw .invalidArgument(field: "description", reason: "at most 2000 characters")
        }
    }

    /// The merchant, which must exist and be approved to run campaigns.
    func approvedMerchant(_ id: String) async throws -> Voucherd_V1_Merchant {
        let found: Voucherd_V1_Merchant?
        do {
            found = try await self.environment.peers.merchants.merchant(id: id)
        } catch {
            self.environment.logger.warning("merchant lookup failed", metadata: ["error": "\(error)"])
            throw IssuanceError.unavailable("The merchant directory is unavailable; retry later.")
        }
        guard let merchant = found else { throw IssuanceError.notFound("No merchant '\(id)'.") }
        guard merchant.status == .approved else {
            throw IssuanceError.failedPrecondition("Merchant '\(id)' is not approved to run campaigns.")
        }
        return merchant
    }
}
