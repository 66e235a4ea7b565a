import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// 积分兑换: a saga across two stores. Identity owns the points, issuance the coupon; no
// transaction spans both, so a `points_sagas` row records each step and `resumeSagas()` finishes
// or undoes whatever a crash interrupted. See ``PointsSagaState``.
extension IssuanceService {
    /// Spends the consumer's points for a coupon of a campaign with a `points_price`, once per
    /// idempotency key: the points are refunded if the coupon cannot be issued, and a retry
    /// returns the first answer (the coupon, or the refusal).
    public func exchangePoints(
        request: Voucherd_V1_ExchangePointsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Coupon {
        try await self.handling("ExchangePoints") {
            let principal = try Principal.required()
            try principal.require(.consumer, .service)
            let consumerID = try Self.consumerFor(principal, requested: request.consumerID)
            try RequestChecks.id(request.campaignID, prefix: "cmp_", field: "campaign_id")
            try RequestChecks.idempotencyKey(request.idempotencyKey)
            let hash = try RequestChecks.digest(request)
            let environment = self.environment
            let existing = try await environment.store.pool.read { db in
                try PointsSagaRepository.fetch(principal: principal.subject, key: request.idempotencyKey, in: db)
            }
            var saga: PointsSagaRecord
            if let existing {
                saga = existing
            } else {
                let price = try await self.exchangePrice(request.campaignID)
                let now = environment.now().micros
                let fresh = PointsSagaRecord(
                    id: IssuanceID.saga(), principal: principal.subject, idempotencyKey: request.idempotencyKey,
                    requestHash: hash, campaignID: request.campaignID, consumerID: consumerID,
                    claimant: principal.role == .consumer ? "consumer" : "service", tier: principal.tier ?? "",
                    points: price, state: .started, createdAtMicros: now, updatedAtMicros: now)
                saga = try await environment.writer.write { db in try PointsSagaRepository.start(fresh, in: db) }
            }
            guard saga.requestHash == hash else { throw IdempotencyError.keyReusedWithDifferentRequest(
                principal: principal.subject, method: "/voucherd.v1.Issuance/ExchangePoints", key: request.idempotencyKey) }
            saga = try await PointsSagaRunner(environment: environment, stockGate: self.stockGate).drive(saga)
            return try Self.answer(of: saga)
        }
    }

    /// Drives every points-exchange saga left unfinished (a crash, an unreachable identity)
    /// forward or back, with idempotent steps only. The executable runs it at start and then
    /// periodically; sagas changed less than
    /// ``IssuanceConfiguration/sagaResumeDelaySeconds`` ago are left to their own request.
    /// - Returns: how many sagas reached a final state.
    @discardableResult
    public func resumeSagas() async throws -> Int {
        let configuration = self.environment.configuration
        let before = self.environment.now().addingTimeInterval(-Double(configuration.sagaResumeDelaySeconds)).micros
        let open = try await self.environment.store.pool.read { db in
            try PointsSagaRepository.open(before: before, limit: max(1, configuration.sagaResumeBatchSize), in: db)
        }
        let runner = PointsSagaRunner(environment: self.environment, stockGate: self.stockGate)
        var finished = 0
        for saga in open {
            do {
                if try await runner.drive(saga).state.isFinal { finished += 1 }
            } catch {
                // Identity is unreachable; the next pass tries again.
                self.environment.logger.warning(
                    "saga not resumed", metadata: ["saga": "\(saga.id)", "error": "\(String(reflecting: error))"])
            }
        }
        return finished
    }

    /// The points a campaign's coupon costs, refusing before anything is spent when the
    /// campaign cannot be exchanged for at all (the issue step checks everything again).
    private func exchangePrice(_ campaignID: String) async throws -> Int64 {
        let campaign = try await self.environment.store.pool.read { db in try CampaignRepository.fetch(campaignID, in: db) }
        guard let campaign else { throw IssuanceError.notFound("No campaign '\(campaignID)'.") }
        guard campaign.rules.pointsPrice > 0 else {
            throw IssuanceError.failedPrecondition("Campaign '\(campaignID)' cannot be exchanged for points.")
        }
        guard campaign.status == .active else {
            throw IssuanceError.failedPrecondition("Campaign '\(campaignID)' is \(campaign.status.rawValue); it issues no coupons.")
        }
        guard campaign.remaining > 0 else {
            throw IssuanceError.resourceExhausted("Campaign '\(campaignID)' is out of stock.")
        }
        return campaign.rules.pointsPrice
    }

    /// The saga's answer: its coupon, its refusal, or UNAVAILABLE while it is still open.
    private static func answer(of saga: PointsSagaRecord) throws -> Voucherd_V1_Coupon {
        switch saga.state {
        case .completed:
            guard let response = saga.response else { throw IssuanceError.internalError }
            return try Voucherd_V1_Coupon(serializedBytes: response)
        case .compensating, .compensated, .failed:
            throw saga.failure?.error ?? IssuanceError.internalError
        case .started, .spent:
            throw IssuanceError.unavailable("The exchange is in progress; retry with the same idempotency_key.")
        }
    }
}
