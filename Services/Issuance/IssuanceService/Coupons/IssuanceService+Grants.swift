import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// Grants: operators, services and the campaign's merchant give coupons to a list of consumers;
// identity's referral rewards arrive the same way through the outbox consumer.
extension IssuanceService {
    /// Issues one coupon to each consumer listed, reporting those who got none and why; once per
    /// idempotency key.
    public func grantCoupons(
        request: Voucherd_V1_GrantCouponsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_GrantCouponsResponse {
        try await self.handling("GrantCoupons") {
            let principal = try Principal.required()
            try principal.require(.operator, .service, .merchant, .merchantStaff)
            try RequestChecks.id(request.campaignID, prefix: "cmp_", field: "campaign_id")
            let maximum = self.environment.configuration.maximumGrantSize
            guard (1...maximum).contains(request.consumerIds.count) else {
                throw IssuanceError.invalidArgument(field: "consumer_ids", reason: "1 to \(maximum) consumers")
            }
            for (index, consumerID) in request.consumerIds.enumerated() {
                try RequestChecks.principalID(consumerID, field: "consumer_ids[\(index)]")
            }
            guard request.reason.count <= 500 else {
                throw IssuanceError.invalidArgument(field: "reason", reason: "at most 500 characters")
            }
            try RequestChecks.idempotencyKey(request.idempotencyKey)
            let hash = try RequestChecks.digest(request)
            let now = self.environment.now()
            let environment = self.environment
            let issuer = CouponIssuer(recorder: ChangeRecorder(environment: environment))
            let (response, level) = try await environment.writer.write { db -> (Data, StockGate.Level?) in
                var level: StockGate.Level?
                let response = try environment.idempotency.execute(
                    principal: principal.subject, method: Methods.grantCoupons, key: request.idempotencyKey,
                    requestHash: hash, now: now, in: db
                ) { db in
                    let campaign = try CampaignRepository.require(request.campaignID, in: db)
                    if principal.role != .service { try principal.requireMerchantScope(campaign.merchantID) }
                    let outcome = try Self.grant(
                        request.consumerIds, campaign: campaign, actor: principal.subject, issuer: issuer, now: now, in: db)
                    level = outcome.level
                    return try outcome.response.serializedBytes()
                }
                return (response, level)
            }
            if let level { self.stockGate.observe(request.campaignID, level: level) }
            return try Voucherd_V1_GrantCouponsResponse(serializedBytes: response)
        }
    }

    /// Grants the coupon identity's referral reward command asks for, once per `command_id`.
    /// ``ReferralRewardFeed`` calls it for each command it pulls from identity; the campaign is
    /// the command's, else ``IssuanceConfiguration/referralCampaignID``.
    /// - Parameter command: the command as identity wrote it.
    /// - Returns: the coupon granted (the same one for a repeated command).
    /// - Throws: ``IssuanceError``: INVALID_ARGUMENT for a malformed command, NOT_FOUND for an
    ///   unknown campaign, FAILED_PRECONDITION when no campaign is configured or it issues nothing
    ///   now, RESOURCE_EXHAUSTED without stock.
    public func grantReferralReward(_ command: Voucherd_V1_ReferralRewardCommand) async throws -> Voucherd_V1_Coupon {
        try await self.grantReferralReward(command, advancing: nil)
    }

    /// As ``grantReferralReward(_:)``, also moving a feed's position to `position` in the same
    /// transaction as the grant (and its idempotency record), so a granted command and the feed
    /// having passed it commit together or not at all.
    func grantReferralReward(
        _ command: Voucherd_V1_ReferralRewardCommand, advancing position: (source: String, sequence: UInt64)?
    ) async throws -> Voucherd_V1_Coupon {
        try await self.handling("ReferralReward") {
            try RequestChecks.idempotencyKey(command.commandID, field: "command_id")
            try RequestChecks.principalID(command.consumerID, field: "consumer_id")
            let campaignID = command.campaignID.isEmpty ? self.environment.configuration.referralCampaignID : command.campaignID
            guard !campaignID.isEmpty else {
                throw IssuanceError.failedPrecondition("No referral campaign is configured.")
            }
            try RequestChecks.id(campaignID, prefix: "cmp_", field: "campaign_id")
            let hash = try RequestChecks.digest(command)
            let now = self.environment.now()
            let environment = self.environment
            let issuer = CouponIssuer(recorder: ChangeRecorder(environment: environment))
            let order = CouponIssuer.Order(
                campaignID: campaignID, consumerID: command.consumerID, origin: .grant, claimant: .grant, actor: "identity")
            let (response, level) = try await environment.writer.write { db -> (Data, StockGate.Level?) in
                var level: StockGate.Level?
                let response = try environment.idempotency.execute(
                    principal: "identity", method: Methods.referralReward, key: command.commandID,
                    requestHash: hash, now: now, in: db
                ) { db in
                    let issued = try issuer.issue(order, now: now, in: db)
                    level = issued.level
                    return try issued.coupon.message.serializedBytes()
                }
                if let position {
                    try FeedPositionRepository.advance(position.source, to: position.sequence, now: now.micros, in: db)
                }
                return (response, level)
            }
            if let level { self.stockGate.observe(campaignID, level: level) }
            return try Voucherd_V1_Coupon(serializedBytes: response)
        }
    }

    /// Issues to each consumer in its own savepoint, so one refusal leaves the others' coupons.
    private static func grant(
        _ consumerIDs: [String], campaign: CampaignRecord, actor: String, issuer: CouponIssuer, now: Date, in db: Database
    ) throws -> (response: Voucherd_V1_GrantCouponsResponse, level: StockGate.Level) {
        guard campaign.status == .active else {
            throw IssuanceError.failedPrecondition("Campaign '\(campaign.id)' is \(campaign.status.rawValue); it issues no coupons.")
        }
        guard campaign.distribution != .code else {
            throw IssuanceError.failedPrecondition("Campaign '\(campaign.id)' is distributed by codes, not grants.")
        }
        var response = Voucherd_V1_GrantCouponsResponse()
        var level = campaign.level
        for consumerID in consumerIDs {
            let order = CouponIssuer.Order(
                campaignID: campaign.id, consumerID: consumerID, origin: .grant, claimant: .grant, actor: actor)
            do {
                try db.inSavepoint {
                    let issued = try issuer.issue(order, now: now, in: db)
                    response.coupons.append(issued.coupon.message)
                    level = issued.level
                    return .commit
                }
            } catch let exhausted as StockExhausted {
                level = exhausted.level
                response.failures.append(Self.failure(consumerID, reason: "the campaign is out of stock"))
            } catch let error as IssuanceError {
                response.failures.append(Self.failure(consumerID, reason: error.rpcErrorMessage))
            }
        }
        return (response, level)
    }

    private static func failure(_ consumerID: String, reason: String) -> Voucherd_V1_GrantFailure {
        var failure = Voucherd_V1_GrantFailure()
        failure.consumerID = consumerID
        failure.reason = reason
        return failure
    }
}
