import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// Checkout is Try–Confirm–Cancel, driven by redemption: lock with a TTL, then commit or
// release; a committed redemption may be reversed. Every step is idempotent by redemption id.
// Only a service principal whose certificate identity is in
// IssuanceConfiguration.checkoutCallers may call these methods.
extension IssuanceService {
    /// Locks coupons (or stored-value amounts) for an order, all or none.
    public func lockCoupons(
        request: Voucherd_V1_LockCouponsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_LockCouponsResponse {
        try await self.handling("LockCoupons") {
            try self.requireCheckoutCaller(context)
            try RequestChecks.idempotencyKey(request.redemptionID, field: "redemption_id")
            try RequestChecks.principalID(request.consumerID, field: "consumer_id")
            guard request.storeID.count <= 64 else {
                throw IssuanceError.invalidArgument(field: "store_id", reason: "at most 64 characters")
            }
            guard (1...50).contains(request.items.count) else {
                throw IssuanceError.invalidArgument(field: "items", reason: "1 to 50 items")
            }
            var amounts: [Money?] = []
            var codes: [[String]?] = []
            var seen = Set<String>()
            for (index, item) in request.items.enumerated() {
                let candidates = try Self.lockTarget(item, index: index)
                let key = candidates.map { "code:" + ($0.first ?? "") } ?? item.couponID
                guard seen.insert(key).inserted else {
                    throw IssuanceError.invalidArgument(
                        field: "items[\(index)].\(candidates == nil ? "coupon_id" : "code")", reason: "listed twice")
                }
                codes.append(candidates)
                amounts.append(try Self.positiveAmount(item.amount, isSet: item.hasAmount, field: "items[\(index)].amount"))
            }
            let configuration = self.environment.configuration
            guard request.ttlSeconds <= configuration.maximumLockSeconds else {
                throw IssuanceError.invalidArgument(field: "ttl_seconds", reason: "at most \(configuration.maximumLockSeconds)")
            }
            let ttl = request.ttlSeconds == 0 ? configuration.defaultLockSeconds : Int(request.ttlSeconds)
            let hash = try RequestChecks.digest(request)
            let now = self.environment.now()
            let expiresAt = now.addingTimeInterval(TimeInterval(ttl)).micros
            let environment = self.environment
            let recorder = ChangeRecorder(environment: environment)
            let actor = try Principal.required().subject
            let claimer = CodeClaimer(recorder: recorder)
            let response = try await environment.writer.write { [amounts, codes] db in
                try environment.idempotency.execute(
                    principal: Methods.checkoutPrincipal, method: Methods.lockCoupons, key: request.redemptionID,
                    requestHash: hash, now: now, in: db
                ) { db in
                    var response = Voucherd_V1_LockCouponsResponse()
                    response.redemptionID = request.redemptionID
                    response.expiresAtMicros = expiresAt
                    for (index, (item, amount)) in zip(request.items, amounts).enumerated() {
                        var item = item
                        if let candidates = codes[index] {
                            item.couponID = try Self.couponID(
                                forCode: item.code, candidates: candidates, index: index, consumerID: request.consumerID,
                                actor: actor, claimer: claimer, now: now, in: db)
                        }
                        response.locked.append(try CheckoutLedger.hold(
                            item, amount: amount, redemptionID: request.redemptionID, consumerID: request.consumerID,
                            storeID: request.storeID, expiresAt: expiresAt, now: now, in: db))
                    }
                    try recorder.record(
                        "issuance.redemption.locked", subject: request.redemptionID, actor: actor,
                        attributes: ["coupons": String(request.items.count)], now: now, in: db)
                    return try response.serializedBytes()
                }
            }
            return try Voucherd_V1_LockCouponsResponse(serializedBytes: response)
        }
    }

    /// Commits a lock: coupons redeemed, amounts debited (at most what was locked).
    public func commitLock(
        request: Voucherd_V1_CommitLockRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_CommitLockResponse {
        try await self.handling("CommitLock") {
            try self.requireCheckoutCaller(context)
            try RequestChecks.idempotencyKey(request.redemptionID, field: "redemption_id")
            var spent: [String: Int64] = [:]
            for (index, item) in request.amounts.enumerated() {
                try RequestChecks.id(item.couponID, prefix: "cpn_", field: "amounts[\(index)].coupon_id")
                guard let amount = try Self.positiveAmount(item.amount, isSet: item.hasAmount, field: "amounts[\(index)].amount", allowZero: true) else {
                    throw IssuanceError.invalidArgument(field: "amounts[\(index)].amount", reason: "required")
                }
                spent[item.couponID] = amount.minorUnits
            }
            let now = self.environment.now()
            let recorder = ChangeRecorder(environment: self.environment)
            let actor = try Principal.required().subject
            let coupons = try await self.environment.writer.write { [spent] db in
                let locks = try Self.requireLocks(request.redemptionID, in: db)
                if locks.allSatisfy({ $0.state == .committed }) { return try Self.coupons(of: locks, in: db) }
                guard locks.allSatisfy({ $0.state == .locked }) else {
                    throw IssuanceError.failedPrecondition("Redemption '\(request.redemptionID)' was released; it cannot be committed.")
                }
                guard locks.allSatisfy({ $0.expiresAtMicros > now.micros }) else {
                    throw IssuanceError.failedPrecondition("The lock of redemption '\(request.redemptionID)' has expired.")
                }
                if let stray = spent.keys.first(where: { id in !locks.contains { $0.couponID == id } }) {
                    throw IssuanceError.invalidArgument(field: "amounts", reason: "coupon '\(stray)' is not in this lock")
                }
                for lock in locks { try CheckoutLedger.commit(lock, spent: spent[lock.couponID], now: now, in: db) }
                try recorder.record(
                    "issuance.redemption.committed", subject: request.redemptionID, actor: actor,
                    attributes: ["coupons": String(locks.count)], now: now, in: db)
                return try Self.coupons(of: locks, in: db)
            }
            var response = Voucherd_V1_CommitLockResponse()
            response.redemptionID = request.redemptionID
            response.coupons = coupons
            return response
        }
    }

    /// Checks that the caller is redemption: a service token and an allowed certificate.
    func requireCheckoutCaller(_ context: ServerContext) throws {
        let principal = try Principal.required()
        try principal.require(.service)
        guard let identity = self.environment.callers.serviceIdentity(of: context),
            self.environment.configuration.checkoutCallers.contains(identity)
        else {
            throw IssuanceError.permissionDenied("Checkout methods are for the redemption service only.")
        }
    }

    /// An optional wire amount that must be valid and positive (or zero when allowed).
    static func positiveAmount(
        _ message: Voucherd_V1_Money, isSet: Bool, field: String, allowZero: Bool = false
    ) throws(IssuanceError) -> Money? {
        guard isSet else { return nil }
        let amount = try RequestChecks.money(message, isSet: true, field: field)
        guard allowZero || amount.minorUnits > 0 else { throw .invalidArgument(field: field, reason: "must be positive") }
        return amount
    }

    /// A redemption's locks, or NOT_FOUND.
    static func requireLocks(_ redemptionID: String, in db: Database) throws -> [LockRecord] {
        let locks = try LockRepository.locks(of: redemptionID, in: db)
        guard !locks.isEmpty else { throw IssuanceError.notFound("No lock for redemption '\(redemptionID)'.") }
        return locks
    }

    /// The wire coupons a redemption's locks hold, as they are now.
    static func coupons(of locks: [LockRecord], in db: Database) throws -> [Voucherd_V1_Coupon] {
        try locks.map { try CheckoutLedger.coupon(of: $0, in: db).message }
    }
}
