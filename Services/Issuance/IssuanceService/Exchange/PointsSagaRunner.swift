import Foundation
import GRDB
import GRPCCore
import Logging
import SwiftProtobuf
import VoucherdModel
import VoucherdStore

/// Drives a points-exchange saga from whatever state it is in towards a final one: spend the
/// points, then issue the coupon and mark the saga completed in one write, or, when issuing is
/// refused, record that decision first and then refund the points.
///
/// Every step is safe to repeat: identity's spend and refund are idempotent by keys derived
/// from the saga id, and every state change is a compare-and-set on the single writer, so a
/// request, its retry and ``IssuanceService/resumeSagas()`` may drive the same saga at once.
struct PointsSagaRunner: Sendable {
    let environment: IssuanceEnvironment
    let stockGate: StockGate

    /// Drives the saga until it is final or a peer cannot be reached.
    /// - Returns: the saga as stored after the last step; `compensating` when the refund could
    ///   not be made yet (its answer, the refusal, is already decided).
    /// - Throws: UNAVAILABLE when the spend's outcome is unknown (the saga stays `started`).
    func drive(_ saga: PointsSagaRecord) async throws -> PointsSagaRecord {
        var saga = saga
        while true {
            switch saga.state {
            case .started:
                saga = try await self.spend(saga)
            case .spent:
                saga = try await self.issue(saga)
            case .compensating:
                let next = try await self.compensate(saga)
                if next.state == .compensating { return next }
                saga = next
            case .completed, .compensated, .failed:
                return saga
            }
        }
    }

    /// Spends the points (again, harmlessly, after a crash) and records the spend entry.
    private func spend(_ saga: PointsSagaRecord) async throws -> PointsSagaRecord {
        let result: Voucherd_V1_PointsResult
        do {
            result = try await self.environment.peers.points.spend(
                consumerID: saga.consumerID, points: saga.points, reason: "points exchange",
                reference: saga.id, idempotencyKey: saga.spendKey)
        } catch let error as RPCError where Self.isRefusal(error.code) {
            // Identity decided: nothing was spent, so nothing needs undoing.
            let failure = PointsSagaFailure(.failedPrecondition("The points could not be spent: \(error.message)"))
            return try await self.advance(saga, from: .started, to: .failed, step: .init(failure: failure))
        } catch {
            self.environment.logger.warning(
                "points spend failed", metadata: ["saga": "\(saga.id)", "error": "\(String(reflecting: error))"])
            throw IssuanceError.unavailable(
                "The points ledger could not be reached; retry with the same idempotency_key.")
        }
        return try await self.advance(saga, from: .started, to: .spent, step: .init(spendEntryID: result.entry.entryID))
    }

    /// Issues the coupon and completes the saga in one write, or records the refusal and moves
    /// to `compensating`: once decided, a retry never issues what an earlier answer refused.
    private func issue(_ saga: PointsSagaRecord) async throws -> PointsSagaRecord {
        let environment = self.environment
        let issuer = CouponIssuer(recorder: ChangeRecorder(environment: environment))
        let order = CouponIssuer.Order(
            campaignID: saga.campaignID, consumerID: saga.consumerID, origin: .points, claimant: saga.issuerClaimant,
            actor: saga.principal)
        let now = environment.now()
        let (stored, level) = try await environment.writer.write { db -> (PointsSagaRecord, StockGate.Level?) in
            guard let current = try PointsSagaRepository.fetch(saga.id, in: db), current.state == .spent else {
                return (try PointsSagaRepository.fetch(saga.id, in: db) ?? saga, nil)
            }
            var failure: PointsSagaFailure?
            var level: StockGate.Level?
            var step = PointsSagaRepository.Step()
            do {
                try db.inSavepoint {
                    let issued = try issuer.issue(order, now: now, in: db)
                    level = issued.level
                    step.couponID = issued.coupon.id
                    step.response = try issued.coupon.message.serializedBytes()
                    return .commit
                }
            } catch let exhausted as StockExhausted {
                level = exhausted.level
                failure = PointsSagaFailure(.resourceExhausted("Campaign '\(saga.campaignID)' is out of stock."))
            } catch let error as IssuanceError {
                failure = PointsSagaFailure(error)
            }
            if let failure {
                step.failure = failure
                return (try PointsSagaRepository.advance(saga.id, from: .spent, to: .compensating, step: step, now: now.micros, in: db), level)
            }
            return (try PointsSagaRepository.advance(saga.id, from: .spent, to: .completed, step: step, now: now.micros, in: db), level)
        }
        if let level { self.stockGate.observe(saga.campaignID, level: level) }
        return stored
    }

    /// Refunds the spend; on failure leaves the saga `compensating` for the next resume.
    private func compensate(_ saga: PointsSagaRecord) async throws -> PointsSagaRecord {
        guard let entryID = saga.spendEntryID else { throw IssuanceError.internalError }
        do {
            _ = try await self.environment.peers.points.refund(
                consumerID: saga.consumerID, spendEntryID: entryID, points: saga.points,
                reason: "points exchange refused", idempotencyKey: saga.refundKey)
        } catch {
            self.environment.logger.warning(
                "points refund failed; the saga stays compensating",
                metadata: ["saga": "\(saga.id)", "error": "\(String(reflecting: error))"])
            return saga
        }
        return try await self.advance(saga, from: .compensating, to: .compensated)
    }

    private func advance(
        _ saga: PointsSagaRecord, from: PointsSagaState, to: PointsSagaState, step: PointsSagaRepository.Step = .init()
    ) async throws -> PointsSagaRecord {
        let now = self.environment.now().micros
        return try await self.environment.writer.write { db in
            try PointsSagaRepository.advance(saga.id, from: from, to: to, step: step, now: now, in: db)
        }
    }

    /// Whether identity's answer is a decision (the spend did not happen and will not on a
    /// retry) rather than a failure to reach it, after which the outcome is unknown.
    static func isRefusal(_ code: RPCError.Code) -> Bool {
        switch code {
        case .failedPrecondition, .invalidArgument, .notFound, .permissionDenied, .outOfRange, .alreadyExists,
            .unauthenticated:
            true
        default:
            false
        }
    }
}
