import Foundation
import GRDB
import VoucherdModel

/// Whether a paid voucher (团购券) may be refunded: unredeemed, not held for an order, and
/// within its campaign's refund window of the purchase. Pure, apart from finding the purchase.
struct VoucherRefundPolicy: Sendable {
    /// The window when the voucher's `refund_window_days` is 0.
    var defaultWindowDays: Int

    /// The last instant a voucher bought at `purchasedAt` may be refunded: exactly the window's
    /// length later, inclusive.
    func deadline(of voucher: Voucherd_V1_PaidVoucher, purchasedAt: Int64) -> Int64 {
        let days = voucher.refundWindowDays == 0 ? Int64(self.defaultWindowDays) : Int64(voucher.refundWindowDays)
        return purchasedAt + days * 86_400 * 1_000_000
    }

    /// Why the coupon cannot be refunded at `now`, or nil when it can.
    func refusal(of coupon: CouponRecord, purchasedAt: Int64, now: Int64) -> String? {
        guard case .paidVoucher(let voucher) = coupon.benefit.kind else {
            return "Coupon '\(coupon.id)' is not a paid voucher; only paid vouchers are refunded."
        }
        switch coupon.state {
        case .issued:
            break
        case .redeemed:
            return "Coupon '\(coupon.id)' was redeemed; redeemed vouchers are never refunded."
        case .locked:
            return "Coupon '\(coupon.id)' is locked for an order; it can be refunded once the order releases it."
        case .refunded:
            return "Coupon '\(coupon.id)' was already refunded."
        case .expired, .transferred, .revoked:
            return "Coupon '\(coupon.id)' is \(coupon.state.rawValue); only an unused voucher is refunded."
        }
        let deadline = self.deadline(of: voucher, purchasedAt: purchasedAt)
        guard now <= deadline else {
            return "Coupon '\(coupon.id)' is past its refund window, which ended at \(ISO8601DateFormatter().string(from: Date(micros: deadline)))."
        }
        return nil
    }

    /// When the voucher was bought: a transferred voucher keeps its first holder's purchase
    /// time, so passing it on never reopens the window.
    static func purchaseTime(of coupon: CouponRecord, in db: Database) throws -> Int64 {
        var current = coupon
        var hops = 0
        while let previous = current.transferredFrom, hops < 1_000 {
            guard let earlier = try CouponRepository.fetch(previous, in: db) else { break }
            current = earlier
            hops += 1
        }
        return current.issuedAtMicros
    }
}
