import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// The Cancel side of checkout: releasing a lock (by redemption, or by the sweeper when its TTL
// has passed) and reversing a committed redemption.
extension IssuanceService {
    /// Releases a lock: the coupons become usable again. Releasing an unknown redemption is a
    /// no-op (the lock may never have arrived), so a cancel can always be retried.
    public func releaseLock(
        request: Voucherd_V1_ReleaseLockRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ReleaseLockResponse {
        try await self.handling("ReleaseLock") {
            try self.requireCheckoutCaller(context)
            try RequestChecks.idempotencyKey(request.redemptionID, field: "redemption_id")
            let now = self.environment.now()
            let recorder = ChangeRecorder(environment: self.environment)
            let actor = try Principal.required().subject
            let released = try await self.environment.writer.write { db in
                let locks = try LockRepository.locks(of: request.redemptionID, in: db)
                guard locks.allSatisfy({ $0.state == .locked || $0.state == .released }) else {
                    throw IssuanceError.failedPrecondition("Redemption '\(request.redemptionID)' was committed; reverse it instead.")
                }
                let open = locks.filter { $0.state == .locked }
                for lock in open { try CheckoutLedger.release(lock, now: now, in: db) }
                if !open.isEmpty {
                    try recorder.record(
                        "issuance.redemption.released", subject: request.redemptionID, actor: actor,
                        attributes: ["coupons": String(open.count)], now: now, in: db)
                }
                return locks.count
            }
            var response = Voucherd_V1_ReleaseLockResponse()
            response.redemptionID = request.redemptionID
            response.released = UInt32(released)
            return response
        }
    }

    /// Reverses a committed redemption: coupons usable again, amounts credited back.
    public func reverseRedemption(
        request: Voucherd_V1_ReverseRedemptionRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ReverseRedemptionResponse {
        try await self.handling("ReverseRedemption") {
            try self.requireCheckoutCaller(context)
            try RequestChecks.idempotencyKey(request.redemptionID, field: "redemption_id")
            guard request.reason.count <= 500 else {
                throw IssuanceError.invalidArgument(field: "reason", reason: "at most 500 characters")
            }
            let now = self.environment.now()
            let recorder = ChangeRecorder(environment: self.environment)
            let actor = try Principal.required().subject
            let coupons = try await self.environment.writer.write { db in
                let locks = try Self.requireLocks(request.redemptionID, in: db)
                if locks.allSatisfy({ $0.state == .reversed }) { return try Self.coupons(of: locks, in: db) }
                guard locks.allSatisfy({ $0.state == .committed }) else {
                    throw IssuanceError.failedPrecondition("Redemption '\(request.redemptionID)' is not committed.")
                }
                for lock in locks { try CheckoutLedger.reverse(lock, now: now, in: db) }
                try recorder.record(
                    "issuance.redemption.reversed", subject: request.redemptionID, actor: actor,
                    attributes: ["coupons": String(locks.count)], note: request.reason, now: now, in: db)
                return try Self.coupons(of: locks, in: db)
            }
            var response = Voucherd_V1_ReverseRedemptionResponse()
            response.redemptionID = request.redemptionID
            response.coupons = coupons
            return response
        }
    }

    /// Releases locks whose TTL has passed, at most `limit` per call; the executable runs it
    /// periodically (every few seconds), so every lock ends within its TTL plus one sweep.
    /// - Parameter limit: the most locks to release in this write.
    /// - Returns: how many locks were released.
    public func releaseExpiredLocks(limit: Int = 500) async throws -> Int {
        let now = self.environment.now()
        let recorder = ChangeRecorder(environment: self.environment)
        return try await self.environment.writer.write { db in
            let expired = try LockRepository.expired(now: now.micros, limit: max(1, limit), in: db)
            for lock in expired { try CheckoutLedger.release(lock, now: now, in: db) }
            for redemptionID in Set(expired.map(\.redemptionID)).sorted() {
                try recorder.record("issuance.redemption.expired", subject: redemptionID, actor: "system", now: now, in: db)
            }
            return expired.count
        }
    }
}
