import Foundation
@testable import IssuanceService
import VoucherdModel

// Checkout steps as redemption calls them, for tests that need a locked or redeemed coupon.
extension IssuanceHarness {
    static let redemptionPrincipal = Principal(subject: "svc-redemption", role: .service)

    /// Locks one coupon of `consumer` for `redemptionID`.
    func lockCoupon(_ couponID: String, consumer: String, redemptionID: String) async throws {
        var request = Voucherd_V1_LockCouponsRequest()
        request.redemptionID = redemptionID
        request.consumerID = consumer
        request.storeID = "store-1"
        request.ttlSeconds = 900
        var item = Voucherd_V1_LockItem()
        item.couponID = couponID
        request.items = [item]
        _ = try await Self.redemptionPrincipal.run {
            try await self.service.lockCoupons(request: request, context: Self.redemptionContext)
        }
    }

    /// Commits the lock: its coupons are redeemed.
    func commitLock(_ redemptionID: String) async throws {
        var request = Voucherd_V1_CommitLockRequest()
        request.redemptionID = redemptionID
        _ = try await Self.redemptionPrincipal.run {
            try await self.service.commitLock(request: request, context: Self.redemptionContext)
        }
    }

    /// Releases the lock: its coupons are usable again.
    func releaseLock(_ redemptionID: String) async throws {
        var request = Voucherd_V1_ReleaseLockRequest()
        request.redemptionID = redemptionID
        _ = try await Self.redemptionPrincipal.run {
            try await self.service.releaseLock(request: request, context: Self.redemptionContext)
        }
    }
}
