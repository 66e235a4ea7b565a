import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// Wallets: consumers see their own coupons; services and operators anyone's; merchants the
// coupons of their own campaigns.
extension IssuanceService {
    /// A consumer's coupons, newest first, filtered and paged.
    public func listWallet(
        request: Voucherd_V1_ListWalletRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListWalletResponse {
        try await self.handling("ListWallet") {
            let principal = try Principal.required()
            try principal.require(.consumer, .service, .operator, .merchant, .merchantStaff)
            var filter = CouponRepository.WalletFilter(
                consumerID: try Self.walletOwner(principal, requested: request.consumerID), states: [])
            filter.merchantID = try Self.walletMerchant(principal, requested: request.merchantID)
            for (index, state) in request.states.enumerated() {
                guard let stored = CouponState(state) else {
                    throw IssuanceError.invalidArgument(field: "states[\(index)]", reason: "unknown coupon state")
                }
                filter.states.append(stored)
            }
            guard request.expiringBeforeMicros >= 0 else {
                throw IssuanceError.invalidArgument(field: "expiring_before_micros", reason: "must not be negative")
            }
            filter.expiringBeforeMicros = request.expiringBeforeMicros > 0 ? request.expiringBeforeMicros : nil
            let configuration = self.environment.configuration
            let size = try RequestChecks.pageSize(
                request.pageSize, defaultSize: configuration.defaultPageSize, maximum: configuration.maximumPageSize)
            let token = try PageToken.decode(request.pageToken)
            let rows = try await self.environment.store.pool.read { [filter] db in
                try CouponRepository.wallet(filter, after: token, limit: size + 1, in: db)
            }
            var response = Voucherd_V1_ListWalletResponse()
            let page = rows.prefix(size)
            response.coupons = page.map(\.message)
            if rows.count > size, let last = page.last {
                response.nextPageToken = PageToken(micros: last.issuedAtMicros, id: last.id).encoded
            }
            return response
        }
    }

    /// One coupon.
    public func getCoupon(
        request: Voucherd_V1_GetCouponRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Coupon {
        try await self.handling("GetCoupon") {
            let principal = try Principal.required()
            try principal.require(.consumer, .service, .operator, .merchant, .merchantStaff)
            try RequestChecks.id(request.couponID, prefix: "cpn_", field: "coupon_id")
            let coupon = try await self.environment.store.pool.read { db in
                try CouponRepository.fetch(request.couponID, in: db)
            }
            guard let coupon else { throw IssuanceError.notFound("No coupon '\(request.couponID)'.") }
            switch principal.role {
            case .consumer:
                guard coupon.consumerID == principal.subject else {
                    throw IssuanceError.permissionDenied("Consumers see their own coupons only.")
                }
            case .merchant, .merchantStaff:
                try principal.requireMerchantScope(coupon.merchantID)
            case .service, .operator:
                break
            }
            return coupon.message
        }
    }

    /// Whose wallet: consumers their own; everyone else must name the consumer.
    private static func walletOwner(_ principal: Principal, requested: String) throws -> String {
        if principal.role == .consumer {
            guard requested.isEmpty || requested == principal.subject else {
                throw IssuanceError.permissionDenied("Consumers see their own wallet only.")
            }
            return principal.subject
        }
        try RequestChecks.principalID(requested, field: "consumer_id")
        return requested
    }

    /// Which merchant's coupons: merchants are held to their own.
    private static func walletMerchant(_ principal: Principal, requested: String) throws -> String? {
        switch principal.role {
        case .merchant, .merchantStaff:
            guard let own = principal.merchantID else {
                throw IssuanceError.permissionDenied("The principal has no merchant scope.")
            }
            if !requested.isEmpty { try principal.requireMerchantScope(requested) }
            return own
        case .consumer, .service, .operator:
            if requested.isEmpty { return nil }
            try RequestChecks.principalID(requested, field: "merchant_id")
            return requested
        }
    }
}
