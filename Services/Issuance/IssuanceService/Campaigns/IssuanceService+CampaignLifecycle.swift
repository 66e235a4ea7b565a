import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// draft → active ⇄ paused → ended (see CampaignStatus+StateMachine.swift).
extension IssuanceService {
    /// draft or paused → active.
    public func activateCampaign(
        request: Voucherd_V1_CampaignTransitionRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        try await self.transition(.activate, request: request)
    }

    /// active → paused: claims stop; issued coupons stay usable.
    public func pauseCampaign(
        request: Voucherd_V1_CampaignTransitionRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        try await self.transition(.pause, request: request)
    }

    /// any → ended, for good.
    public func endCampaign(
        request: Voucherd_V1_CampaignTransitionRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        try await self.transition(.end, request: request)
    }

    private func transition(
        _ transition: CampaignTransition, request: Voucherd_V1_CampaignTransitionRequest
    ) async throws -> Voucherd_V1_Campaign {
        try await self.handling(transition.rawValue) {
            let principal = try Principal.required()
            try principal.require(.merchant, .merchantStaff, .operator)
            try RequestChecks.id(request.campaignID, prefix: "cmp_", field: "campaign_id")
            guard request.reason.count <= 500 else {
                throw IssuanceError.invalidArgument(field: "reason", reason: "at most 500 characters")
            }
            let now = self.environment.now()
            let recorder = ChangeRecorder(environment: self.environment)
            let record = try await self.environment.writer.write { db in
                var record = try CampaignRepository.require(request.campaignID, in: db)
                try principal.requireMerchantScope(record.merchantID)
                let from = record.status
                guard let to = from.applying(transition) else {
                    throw IssuanceError.failedPrecondition(
                        "Campaign '\(record.id)' is \(from.rawValue); it cannot \(transition.rawValue).")
                }
                record.status = to
                record.updatedAtMicros = now.micros
                try CampaignRepository.updateEditable(record, in: db)
                try recorder.record(
                    transition.eventType, subject: record.id, actor: principal.subject,
                    attributes: ["from": from.rawValue, "to": to.rawValue, "merchant_id": record.merchantID],
                    note: request.reason, now: now, in: db)
                return record
            }
            return record.message
        }
    }
}
