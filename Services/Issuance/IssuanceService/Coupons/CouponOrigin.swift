/// How a coupon reached its holder (`coupons.origin`).
enum CouponOrigin: String, Sendable, Hashable, CaseIterable {
    case claim, grant, code, transfer, points

    /// The outbox event type of a coupon arriving this way.
    var eventType: String {
        switch self {
        case .claim: "issuance.coupon.claimed"
        case .grant: "issuance.coupon.granted"
        case .code: "issuance.coupon.code_claimed"
        case .transfer: "issuance.coupon.transferred"
        case .points: "issuance.coupon.exchanged"
        }
    }
}
