import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// 团购券 refunds: an unredeemed paid voucher within its window goes back. Issuance marks the
// coupon refunded and announces the price in the outbox; returning the money is the payment
// side's job, driven by that event.
extension IssuanceService {
    /// Refunds an unredeemed paid voucher within its campaign's refund window, once per
    /// idempotency key. The holder (consumer self), services and operators may ask.
    public func refundVoucher(
        request: Voucherd_V1_RefundVoucherRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Coupon {
        try await self.handling("RefundVoucher") {
            let principal = try Principal.required()
            try principal.require(.consumer, .service, .operator)
            try RequestChecks.id(request.couponID, prefix: "cpn_", field: "coupon_id")
            guard request.reason.count <= 500 else {
                throw IssuanceError.invalidArgument(field: "reason", reason: "at most 500 characters")
            }
            try RequestChecks.idempotencyKey(request.idempotencyKey)
            let hash = try RequestChecks.digest(request)
            let now = self.environment.now()
            let environment = self.environment
            let recorder = ChangeRecorder(environment: environment)
            let policy = VoucherRefundPolicy(defaultWindowDays: environment.configuration.defaultRefundWindowDays)
            let response = try await environment.writer.write { db in
                try environment.idempotency.execute(
                    principal: principal.subject, method: Methods.refundVoucher, key: request.idempotencyKey,
                    requestHash: hash, now: now, in: db
                ) { db in
                    guard var coupon = try CouponRepository.fetch(request.couponID, in: db) else {
                        throw IssuanceError.notFound("No coupon '\(request.couponID)'.")
                    }
                    if principal.role == .consumer, coupon.consumerID != principal.subject {
                        throw IssuanceError.permissionDenied("Only the holder may refund a voucher.")
                    }
                    let purchasedAt = try VoucherRefundPolicy.purchaseTime(of: coupon, in: db)
                    if let refusal = policy.refusal(of: coupon, purchasedAt: purchasedAt, now: now.micros) {
                        throw IssuanceError.failedPrecondition(refusal)
                    }
                    guard try Self.markRefunded(coupon.id, now: now.micros, in: db) else {
                        throw IssuanceError.failedPrecondition("Coupon '\(coupon.id)' changed meanwhile; it was not refunded.")
                    }
                    coupon.state = .refunded
                    coupon.updatedAtMicros = now.micros
                    let price = coupon.benefit.paidVoucher.price
                    try recorder.record(
                        "issuance.coupon.refunded", subject: coupon.id, actor: principal.subject,
                        attributes: [
                            "campaign_id": coupon.campaignID, "merchant_id": coupon.merchantID,
                            "price_minor": String(price.minorUnits), "price_currency": price.currency,
                        ],
                        note: request.reason, now: now, in: db)
                    return try coupon.message.serializedBytes()
                }
            }
            return try Voucherd_V1_Coupon(serializedBytes: response)
        }
    }

    /// issued → refunded, only if still issued: a racing lock or redemption wins or loses whole.
    private static func markRefunded(_ id: String, now: Int64, in db: Database) throws -> Bool {
        try db.execute(
            sql: "UPDATE coupons SET state = 'refunded', updated_at_us = ? WHERE id = ? AND state = 'issued'",
            arguments: [now, id])
        return db.changesCount == 1
    }
}

extension Methods {
    static let refundVoucher = "/voucherd.v1.Issuance/RefundVoucher"
}
