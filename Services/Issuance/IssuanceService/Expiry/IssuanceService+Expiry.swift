public import Foundation
import GRDB
import Logging
import VoucherdStore

// Expiry: coupons past their validity become expired (a stored value may turn into points),
// and holders are reminded once before that. The executable runs both periodically.
extension IssuanceService {
    /// Expires issued coupons whose validity ended at or before `now`, in writes of at most
    /// ``IssuanceConfiguration/expiryBatchSize`` coupons, each with its
    /// `issuance.coupon.expired` event (and points accrual command) in the same write. Locked
    /// coupons are left to the lock sweeper; once released they expire on the next pass.
    /// - Parameters:
    ///   - now: the sweep's time.
    ///   - limit: the most coupons this call expires.
    /// - Returns: how many coupons expired.
    @discardableResult
    public func expireDue(now: Date, limit: Int = .max) async throws -> Int {
        let expiry = CouponExpiry(recorder: ChangeRecorder(environment: self.environment))
        return try await self.inBatches(limit: limit) { size, db in
            try expiry.expireBatch(now: now, limit: size, in: db)
        }
    }

    /// Emits `issuance.coupon.expiring` once per issued coupon whose validity ends within
    /// `lead` after `now`, remembering which were reminded so later passes skip them.
    /// - Parameters:
    ///   - now: the sweep's time.
    ///   - lead: how far ahead to look, in seconds; nil means
    ///     ``IssuanceConfiguration/expiryReminderLeadSeconds`` (default 24 hours).
    ///   - limit: the most reminders this call sends.
    /// - Returns: how many reminders went out.
    @discardableResult
    public func remindExpiring(now: Date, lead: TimeInterval? = nil, limit: Int = .max) async throws -> Int {
        let lead = lead ?? TimeInterval(self.environment.configuration.expiryReminderLeadSeconds)
        let expiry = CouponExpiry(recorder: ChangeRecorder(environment: self.environment))
        return try await self.inBatches(limit: limit) { size, db in
            try expiry.remindBatch(now: now, lead: lead, limit: size, in: db)
        }
    }

    /// Runs `batch` in separate writes of at most the configured batch size until it does less
    /// than asked or `limit` is reached, so other requests get the writer in between.
    private func inBatches(
        limit: Int, _ batch: @escaping @Sendable (Int, Database) throws -> Int
    ) async throws -> Int {
        let batchSize = max(1, self.environment.configuration.expiryBatchSize)
        var total = 0
        while total < limit {
            let size = min(batchSize, limit - total)
            let done = try await self.environment.writer.write { db in try batch(size, db) }
            total += done
            if done < size { break }
        }
        return total
    }
}
