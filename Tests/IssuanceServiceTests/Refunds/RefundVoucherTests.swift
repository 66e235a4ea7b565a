import Foundation
import GRDB
import GRPCCore
@testable import IssuanceService
import SwiftProtobuf
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct RefundVoucherTests {
    /// 团购券: CNY 50 of value for CNY 30, refundable for `windowDays` (0: the default 3).
    private func voucherCampaign(_ harness: IssuanceHarness, windowDays: UInt32 = 0) async throws -> Voucherd_V1_Campaign {
        try await harness.activeCampaign {
            $0.benefit.paidVoucher.faceValue = Fixtures.money(5_000)
            $0.benefit.paidVoucher.price = Fixtures.money(3_000)
            $0.benefit.paidVoucher.refundWindowDays = windowDays
            $0.rules.perUserTotal = 0
        }
    }

    private func refund(
        _ harness: IssuanceHarness, _ couponID: String, as principal: Principal = Fixtures.consumer("c1"),
        key: String = UUID().uuidString, reason: String = "changed my mind"
    ) async throws -> Voucherd_V1_Coupon {
        var request = Voucherd_V1_RefundVoucherRequest()
        request.couponID = couponID
        request.reason = reason
        request.idempotencyKey = key
        return try await principal.run { try await harness.service.refundVoucher(request: request, context: IssuanceHarness.context()) }
    }

    @Test func holderRefundsAnUnusedVoucherOnceWithAnEventCarryingThePrice() async throws {
        try await withIssuanceService { harness in
            let campaign = try await voucherCampaign(harness)
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            let refunded = try await refund(harness, coupon.couponID, key: "r-1")
            #expect(refunded.state == .refunded)
            #expect(try await refund(harness, coupon.couponID, key: "r-1") == refunded)
            await expectStatus(.failedPrecondition) { _ = try await refund(harness, coupon.couponID, key: "r-2") }
            let events = try await harness.environment.store.pool.read { db in
                try harness.environment.outbox.events(producer: "issuance", after: 0, limit: 100, in: db)
            }.filter { $0.type == "issuance.coupon.refunded" }
            try #require(events.count == 1)
            let event = try Voucherd_V1_DomainEvent(serializedBytes: events[0].payload)
            #expect(event.subjectID == coupon.couponID)
            #expect(event.attributes["price_minor"] == "3000")
            #expect(event.attributes["price_currency"] == "CNY")
            // The free-text reason is for the audit log only.
            #expect(!event.attributes.values.contains("changed my mind"))
            #expect(!event.attributes.values.contains("c1"))
        }
    }

    @Test func theWindowIncludesItsLastMicrosecondOnly() async throws {
        try await withIssuanceService { harness in
            let campaign = try await voucherCampaign(harness)
            let onTime = try await harness.claim(campaign.campaignID, as: "c1")
            let late = try await harness.claim(campaign.campaignID, as: "c1")
            harness.clock.advance(by: 3 * 86_400)
            #expect(try await refund(harness, onTime.couponID).state == .refunded)
            harness.clock.advance(by: 0.000_001)
            await expectStatus(.failedPrecondition) { _ = try await refund(harness, late.couponID) }
        }
    }

    @Test func theCampaignsOwnWindowReplacesTheDefault() async throws {
        try await withIssuanceService { harness in
            let campaign = try await voucherCampaign(harness, windowDays: 7)
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            let late = try await harness.claim(campaign.campaignID, as: "c1")
            harness.clock.advance(by: 7 * 86_400)
            #expect(try await refund(harness, coupon.couponID).state == .refunded)
            harness.clock.advance(by: 1)
            await expectStatus(.failedPrecondition) { _ = try await refund(harness, late.couponID) }
        }
    }

    @Test func aTransferredVoucherKeepsTheFirstPurchasesWindow() async throws {
        try await withIssuanceService { harness in
            let campaign = try await voucherCampaign(harness)
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            harness.clock.advance(by: 2 * 86_400)
            var transfer = Voucherd_V1_TransferCouponRequest()
            transfer.couponID = coupon.couponID
            transfer.toConsumerID = "c2"
            transfer.idempotencyKey = "t-1"
            let given = try await Fixtures.consumer("c1").run {
                try await harness.service.transferCoupon(request: transfer, context: IssuanceHarness.context())
            }
            harness.clock.advance(by: 86_400 + 1)
            await expectStatus(.failedPrecondition) { _ = try await refund(harness, given.to.couponID, as: Fixtures.consumer("c2")) }
        }
    }

    @Test func redeemedAndLockedVouchersAreRefusedWithAClearMessage() async throws {
        try await withIssuanceService { harness in
            let campaign = try await voucherCampaign(harness)
            let redeemed = try await harness.claim(campaign.campaignID, as: "c1")
            let locked = try await harness.claim(campaign.campaignID, as: "c1")
            try await harness.lockCoupon(redeemed.couponID, consumer: "c1", redemptionID: "rdm-1")
            try await harness.commitLock("rdm-1")
            try await harness.lockCoupon(locked.couponID, consumer: "c1", redemptionID: "rdm-2")
            await expectStatus(.failedPrecondition) { _ = try await refund(harness, redeemed.couponID) }
            do {
                _ = try await refund(harness, redeemed.couponID)
            } catch {
                #expect(status(of: error).1.contains("redeemed"))
            }
            do {
                _ = try await refund(harness, locked.couponID)
                Issue.record("a locked voucher was refunded")
            } catch {
                #expect(status(of: error).0 == .failedPrecondition)
                #expect(status(of: error).1.contains("locked"))
            }
            try await harness.releaseLock("rdm-2")
            #expect(try await refund(harness, locked.couponID).state == .refunded)
        }
    }

    @Test func onlyPaidVouchersAreRefunded() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            await expectStatus(.failedPrecondition) { _ = try await refund(harness, coupon.couponID) }
        }
    }

    @Test func theHolderServicesAndOperatorsMayRefundNobodyElse() async throws {
        try await withIssuanceService { harness in
            let campaign = try await voucherCampaign(harness)
            let first = try await harness.claim(campaign.campaignID, as: "c1")
            let second = try await harness.claim(campaign.campaignID, as: "c1")
            await expectStatus(.permissionDenied) { _ = try await refund(harness, first.couponID, as: Fixtures.consumer("c2")) }
            await expectStatus(.permissionDenied) { _ = try await refund(harness, first.couponID, as: Fixtures.merchant("m1")) }
            #expect(try await refund(harness, first.couponID, as: Fixtures.service).state == .refunded)
            #expect(try await refund(harness, second.couponID, as: Fixtures.operator).state == .refunded)
        }
    }

    @Test func badInputNamesTheField() async throws {
        try await withIssuanceService { harness in
            await expectStatus(.invalidArgument, field: "coupon_id") { _ = try await refund(harness, "") }
            await expectStatus(.invalidArgument, field: "coupon_id") { _ = try await refund(harness, "cmp_1") }
            await expectStatus(.invalidArgument, field: "idempotency_key") { _ = try await refund(harness, "cpn_1", key: "") }
            await expectStatus(.invalidArgument, field: "reason") {
                _ = try await refund(harness, "cpn_1", reason: String(repeating: "x", count: 501))
            }
            await expectStatus(.notFound) { _ = try await refund(harness, "cpn_1") }
        }
    }
}
