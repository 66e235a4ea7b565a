import VoucherdModel

/// A coupon's state, as stored (`coupons.state`).
enum CouponState: String, Sendable, Hashable, CaseIterable {
    case issued, locked, redeemed, expired, transferred, refunded, revoked

    /// The wire value.
    var message: Voucherd_V1_CouponState {
        switch self {
        case .issued: .issued
        case .locked: .locked
        case .redeemed: .redeemed
        case .expired: .expired
        case .transferred: .transferred
        case .refunded: .refunded
        case .revoked: .revoked
        }
    }

    /// The stored value of a wire value; nil for unspecified or unknown values.
    init?(_ message: Voucherd_V1_CouponState) {
        guard let state = Self.allCases.first(where: { $0.message == message }) else { return nil }
        self = state
    }
}
