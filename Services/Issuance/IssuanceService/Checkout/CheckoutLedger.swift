import Foundation
import GRDB
import VoucherdModel

/// What each checkout step does to one coupon, inside the step's write. Holder guards use the
/// coupon's own holder (nil for a bearer coupon), not the lock's consumer, who for a bearer
/// coupon is only whoever presented it. Every change is a
/// compare-and-set on the coupon's state or balance and on the lock's state, so a lock ends
/// committed or released, never both (invariant 3), and a single-use coupon is redeemed at most
/// once (invariant 2).
enum CheckoutLedger {
    /// Holds a coupon (or part of a stored-value balance) for an order.
    static func hold(
        _ item: Voucherd_V1_LockItem, amount: Money?, redemptionID: String, consumerID: String, storeID: String,
        expiresAt: Int64, now: Date, in db: Database
    ) throws -> Voucherd_V1_LockedCoupon {
        guard let coupon = try CouponRepository.fetch(item.couponID, in: db) else {
            throw IssuanceError.notFound("No coupon '\(item.couponID)'.")
        }
        // A bearer coupon (no holder) is held for whoever presents it.
        guard coupon.consumerID == nil || coupon.consumerID == consumerID else {
            throw IssuanceError.failedPrecondition("Coupon '\(coupon.id)' is not held by consumer '\(consumerID)'.")
        }
        guard coupon.state == .issued else {
            throw IssuanceError.failedPrecondition("Coupon '\(coupon.id)' is \(coupon.state.rawValue), not usable.")
        }
        guard coupon.validFromMicros <= now.micros, now.micros < coupon.validUntilMicros else {
            throw IssuanceError.failedPrecondition("Coupon '\(coupon.id)' is not valid now.")
        }
        let campaign = try CampaignRepository.require(coupon.campaignID, in: db)
        let rules = campaign.rules
        guard rules.storeIds.isEmpty || rules.storeIds.contains(storeID) else {
            throw IssuanceError.failedPrecondition("Coupon '\(coupon.id)' is not valid at store '\(storeID)'.")
        }
        var held: Money?
        if let balance = coupon.balance {
            let wanted = amount ?? balance
            guard wanted.currency == balance.currency else {
                throw IssuanceError.failedPrecondition("Coupon '\(coupon.id)' holds \(balance.currency), not \(wanted.currency).")
            }
            guard wanted.minorUnits > 0, wanted.minorUnits <= balance.minorUnits else {
                throw IssuanceError.failedPrecondition("Coupon '\(coupon.id)' has only \(balance) left.")
            }
            guard try CouponRepository.debit(coupon.id, holder: coupon.consumerID, amount: wanted.minorUnits, now: now.micros, in: db) else {
                throw IssuanceError.failedPrecondition("Coupon '\(coupon.id)' changed meanwhile.")
            }
            held = wanted
        } else {
            guard try CouponRepository.changeState(coupon.id, holder: coupon.consumerID, from: .issued, to: .locked, now: now.micros, in: db) else {
                throw IssuanceError.failedPrecondition("Coupon '\(coupon.id)' changed meanwhile.")
            }
        }
        let lock = LockRecord(
            redemptionID: redemptionID, couponID: coupon.id, consumerID: consumerID, state: .locked,
            amountMinor: held?.minorUnits, spentMinor: nil, expiresAtMicros: expiresAt)
        do {
            try LockRepository.insert(lock, now: now.micros, in: db)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw IssuanceError.failedPrecondition("Coupon '\(coupon.id)' is already locked for another order.")
        }
        var locked = Voucherd_V1_LockedCoupon()
        locked.coupon = try CouponRepository.fetch(coupon.id, in: db)?.message ?? coupon.message
        locked.rules = rules
        if let held { locked.lockedAmount = held.message }
        return locked
    }

    /// Redeems a held coupon, or spends `spent` of a held amount and gives the rest back.
    static func commit(_ lock: LockRecord, spent: Int64?, now: Date, in db: Database) throws {
        let coupon = try Self.coupon(of: lock, in: db)
        if let held = lock.amountMinor {
            let used = spent ?? held
            guard used <= held else {
                throw IssuanceError.invalidArgument(field: "amounts", reason: "at most the \(held) minor units locked on '\(lock.couponID)'")
            }
            if held - used > 0 { try CouponRepository.credit(coupon.id, amount: held - used, now: now.micros, in: db) }
            guard try LockRepository.move(lock, from: .locked, to: .committed, spent: used, now: now.micros, in: db) else {
                throw IssuanceError.failedPrecondition("The lock on '\(lock.couponID)' changed meanwhile.")
            }
            let after = try Self.coupon(of: lock, in: db)
            if after.balance?.minorUnits == 0,
                try CouponRepository.changeState(coupon.id, holder: coupon.consumerID, from: .issued, to: .redeemed, now: now.micros, in: db)
            {
                try CampaignRepository.recordRedeemed(coupon.campaignID, delta: 1, now: now.micros, in: db)
            }
        } else {
            guard try CouponRepository.changeState(coupon.id, holder: coupon.consumerID, from: .locked, to: .redeemed, now: now.micros, in: db),
                try LockRepository.move(lock, from: .locked, to: .committed, spent: nil, now: now.micros, in: db)
            else {
                throw IssuanceError.failedPrecondition("Coupon '\(lock.couponID)' changed meanwhile.")
            }
            try CampaignRepository.recordRedeemed(coupon.campaignID, delta: 1, now: now.micros, in: db)
        }
    }

    /// Makes a held coupon usable again, giving a held amount back.
    static func release(_ lock: LockRecord, now: Date, in db: Database) throws {
        if let held = lock.amountMinor {
            try CouponRepository.credit(lock.couponID, amount: held, now: now.micros, in: db)
        } else {
            let coupon = try Self.coupon(of: lock, in: db)
            guard try CouponRepository.changeState(coupon.id, holder: coupon.consumerID, from: .locked, to: .issued, now: now.micros, in: db) else {
                throw IssuanceError.failedPrecondition("Coupon '\(lock.couponID)' changed meanwhile.")
            }
        }
        guard try LockRepository.move(lock, from: .locked, to: .released, spent: nil, now: now.micros, in: db) else {
            throw IssuanceError.failedPrecondition("The lock on '\(lock.couponID)' changed meanwhile.")
        }
    }

    /// Undoes a commit: the coupon usable again, the amount spent credited back.
    static func reverse(_ lock: LockRecord, now: Date, in db: Database) throws {
        let coupon = try Self.coupon(of: lock, in: db)
        if lock.amountMinor != nil {
            try CouponRepository.credit(coupon.id, amount: lock.spentMinor ?? 0, now: now.micros, in: db)
        }
        if coupon.state == .redeemed {
            guard try CouponRepository.changeState(coupon.id, holder: coupon.consumerID, from: .redeemed, to: .issued, now: now.micros, in: db) else {
                throw IssuanceError.failedPrecondition("Coupon '\(lock.couponID)' changed meanwhile.")
            }
            try CampaignRepository.recordRedeemed(coupon.campaignID, delta: -1, now: now.micros, in: db)
        }
        guard try LockRepository.move(lock, from: .committed, to: .reversed, spent: nil, now: now.micros, in: db) else {
            throw IssuanceError.failedPrecondition("The lock on '\(lock.couponID)' changed meanwhile.")
        }
    }

    /// The coupon a lock holds.
    static func coupon(of lock: LockRecord, in db: Database) throws -> CouponRecord {
        guard let coupon = try CouponRepository.fetch(lock.couponID, in: db) else { throw IssuanceError.internalError }
        return coupon
    }
}
