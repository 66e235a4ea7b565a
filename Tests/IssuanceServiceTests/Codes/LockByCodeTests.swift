import Foundation
import GRPCCore
@testable import IssuanceService
import Testing
import VoucherdModel

/// A till locks a coupon by the code the customer shows (LockItem.code).
@Suite struct LockByCodeTests {
    static let redemption = Principal(subject: "svc-redemption", role: .service)

    private func lock(
        _ harness: IssuanceHarness, _ redemptionID: String, consumer: String, items: [Voucherd_V1_LockItem]
    ) async throws -> Voucherd_V1_LockCouponsResponse {
        var request = Voucherd_V1_LockCouponsRequest()
        request.redemptionID = redemptionID
        request.consumerID = consumer
        request.storeID = "store-1"
        request.items = items
        return try await Self.redemption.run {
            try await harness.service.lockCoupons(request: request, context: IssuanceHarness.redemptionContext)
        }
    }

    /// The status a call failed with, or nil if it succeeded.
    private func rpcError(_ body: () async throws -> Void) async -> (code: RPCError.Code, message: String)? {
        do {
            try await body()
            return nil
        } catch {
            let (code, message) = status(of: error)
            return (code, message)
        }
    }

    private func byCode(_ code: String) -> Voucherd_V1_LockItem {
        var item = Voucherd_V1_LockItem()
        item.code = code
        return item
    }

    private func commit(_ harness: IssuanceHarness, _ redemptionID: String) async throws {
        var request = Voucherd_V1_CommitLockRequest()
        request.redemptionID = redemptionID
        _ = try await Self.redemption.run {
            try await harness.service.commitLock(request: request, context: IssuanceHarness.redemptionContext)
        }
    }

    private func release(_ harness: IssuanceHarness, _ redemptionID: String) async throws {
        var request = Voucherd_V1_ReleaseLockRequest()
        request.redemptionID = redemptionID
        _ = try await Self.redemption.run {
            try await harness.service.releaseLock(request: request, context: IssuanceHarness.redemptionContext)
        }
    }

    @Test func aBearerCodeNobodyClaimedGoesFromPaperToRedeemedAndOnlyOnce() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(binding: .bearer)
            try await harness.generate(campaign.campaignID, count: 3)
            let code = try #require(try await harness.export(campaign.campaignID).first?.code)

            // Typed in lower case, as a cashier might: the code is claimed and held in one write.
            let locked = try await self.lock(harness, "order-1", consumer: "walk-in-1", items: [self.byCode(code.lowercased())])
            let coupon = try #require(locked.locked.first?.coupon)
            #expect(coupon.consumerID.isEmpty, "a bearer coupon has no holder")
            #expect(coupon.state == .locked)
            #expect(try await harness.count("SELECT issued FROM campaigns") == 1)

            // Released, then presented by someone else: a bearer coupon is whoever's holds it.
            try await self.release(harness, "order-1")
            let again = try await self.lock(harness, "order-2", consumer: "walk-in-2", items: [self.byCode(code)])
            #expect(again.locked.first?.coupon.couponID == coupon.couponID)
            try await self.commit(harness, "order-2")
            #expect(try await harness.count("SELECT COUNT(*) FROM coupons WHERE state = 'redeemed'") == 1)

            // Used up: FAILED_PRECONDITION, as by coupon id (the till says "already used"); an
            // unknown code is NOT_FOUND naming the item.
            let used = await rpcError { _ = try await self.lock(harness, "order-3", consumer: "walk-in-3", items: [self.byCode(code)]) }
            let unknown = await rpcError { _ = try await self.lock(harness, "order-4", consumer: "walk-in-3", items: [self.byCode("ZZZZ-ZZZZ-ZZZZ")]) }
            #expect(used?.code == .failedPrecondition)
            #expect(unknown?.code == .notFound)
            #expect(unknown?.message.contains("items[0].code") == true)
            #expect(try await harness.count("SELECT issued FROM campaigns") == 1, "no second coupon for one code")
        }
    }

    @Test func aFirstClaimerCodeLocksOnlyForItsHolder() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(binding: .firstClaimer)
            try await harness.generate(campaign.campaignID, count: 2)
            let code = try #require(try await harness.export(campaign.campaignID).first?.code)
            let claimed = try await harness.claimCode(code, as: "c1")

            let other = await rpcError { _ = try await self.lock(harness, "order-x", consumer: "c2", items: [self.byCode(code)]) }
            #expect(other?.code == .notFound, "another consumer must not learn the code is real")

            let locked = try await self.lock(harness, "order-1", consumer: "c1", items: [self.byCode(code)])
            #expect(locked.locked.first?.coupon.couponID == claimed.couponID)
        }
    }

    @Test(arguments: [
        ("cpn_0123456789abcdef0123456789abcdef", "ABCD-EFGH-JKMN", "set coupon_id or code, not both"),
        ("", "", "coupon_id or code is required"),
    ])
    func anItemNamesExactlyOneOfCouponAndCode(couponID: String, code: String, reason: String) async throws {
        try await withIssuanceService { harness in
            var item = Voucherd_V1_LockItem()
            item.couponID = couponID
            item.code = code
            let error = await rpcError { _ = try await self.lock(harness, "order-1", consumer: "c1", items: [item]) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("items[0]") == true)
            #expect(error?.message.contains(reason) == true, "\(String(describing: error?.message))")
        }
    }
}
