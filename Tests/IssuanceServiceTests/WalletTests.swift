import Foundation
import GRPCCore
import SwiftProtobuf
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct WalletTests {
    private let context = IssuanceHarness.context()

    @Test func walletIsNewestFirstPagedAndFiltered() async throws {
        try await withIssuanceService { harness in
            let m1 = try await harness.activeCampaign { $0.rules.perUserTotal = 0 }
            let m2 = try await harness.activeCampaign(merchantID: "m2") { $0.rules.validity.afterClaim.days = 2 }
            var ids: [String] = []
            for _ in 0..<3 {
                harness.clock.advance(by: 1)
                ids.append(try await harness.claim(m1.campaignID, as: "c1").couponID)
            }
            harness.clock.advance(by: 1)
            let short = try await harness.claim(m2.campaignID, as: "c1")
            ids.append(short.couponID)
            _ = try await harness.claim(m1.campaignID, as: "c2")

            var request = Voucherd_V1_ListWalletRequest()
            request.pageSize = 3
            var seen: [String] = []
            repeat {
                let page = try await Fixtures.consumer("c1").run { try await harness.service.listWallet(request: request, context: context) }
                seen += page.coupons.map(\.couponID)
                request.pageToken = page.nextPageToken
            } while !request.pageToken.isEmpty
            #expect(seen == ids.reversed())

            var filtered = Voucherd_V1_ListWalletRequest()
            filtered.merchantID = "m2"
            #expect(try await Fixtures.consumer("c1").run { try await harness.service.listWallet(request: filtered, context: context) }.coupons.map(\.couponID) == [short.couponID])
            filtered.merchantID = ""
            filtered.expiringBeforeMicros = short.validUntilMicros + 1
            #expect(try await Fixtures.consumer("c1").run { try await harness.service.listWallet(request: filtered, context: context) }.coupons.map(\.couponID) == [short.couponID])
            filtered.expiringBeforeMicros = 0
            filtered.states = [.transferred]
            #expect(try await Fixtures.consumer("c1").run { try await harness.service.listWallet(request: filtered, context: context) }.coupons.isEmpty)

            // A merchant sees only its own campaigns' coupons of the consumer.
            var merchantView = Voucherd_V1_ListWalletRequest()
            merchantView.consumerID = "c1"
            let seenByM2 = try await Fixtures.merchant("m2").run { try await harness.service.listWallet(request: merchantView, context: context) }
            #expect(seenByM2.coupons.map(\.couponID) == [short.couponID])
            merchantView.merchantID = "m1"
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.merchant("m2").run { try await harness.service.listWallet(request: merchantView, context: context) }
            }
        }
    }

    @Test func walletAccess() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.activeCampaign()
            let coupon = try await harness.claim(campaign.campaignID, as: "c1")
            var other = Voucherd_V1_ListWalletRequest()
            other.consumerID = "c2"
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.consumer("c1").run { try await harness.service.listWallet(request: other, context: context) }
            }
            other.consumerID = "c1"
            #expect(try await Fixtures.service.run { try await harness.service.listWallet(request: other, context: context) }.coupons.count == 1)
            #expect(try await Fixtures.operator.run { try await harness.service.listWallet(request: other, context: context) }.coupons.count == 1)

            var get = Voucherd_V1_GetCouponRequest()
            get.couponID = coupon.couponID
            #expect(try await Fixtures.consumer("c1").run { try await harness.service.getCoupon(request: get, context: context) } == coupon)
            #expect(try await Fixtures.merchant("m1").run { try await harness.service.getCoupon(request: get, context: context) } == coupon)
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.consumer("c2").run { try await harness.service.getCoupon(request: get, context: context) }
            }
            await expectStatus(.permissionDenied) {
                _ = try await Fixtures.merchant("m2").run { try await harness.service.getCoupon(request: get, context: context) }
            }
            get.couponID = "cpn_missing"
            await expectStatus(.notFound) {
                _ = try await Fixtures.operator.run { try await harness.service.getCoupon(request: get, context: context) }
            }
        }
    }

    @Test(arguments: WalletInput.allCases)
    func badWalletInputNamesTheField(_ input: WalletInput) async throws {
        try await withIssuanceService { harness in
            var request = Voucherd_V1_ListWalletRequest()
            request.consumerID = "c1"
            let field = input.apply(&request)
            await expectStatus(.invalidArgument, field: field) {
                _ = try await Fixtures.operator.run { try await harness.service.listWallet(request: request, context: context) }
            }
        }
    }

    enum WalletInput: CaseIterable, Sendable {
        case noConsumer, badState, negativeExpiry, pageTooLarge, badToken

        func apply(_ request: inout Voucherd_V1_ListWalletRequest) -> String {
            switch self {
            case .noConsumer: request.consumerID = ""; return "consumer_id"
            case .badState: request.states = [.issued, .unspecified]; return "states[1]"
            case .negativeExpiry: request.expiringBeforeMicros = -1; return "expiring_before_micros"
            case .pageTooLarge: request.pageSize = 10_000; return "page_size"
            case .badToken: request.pageToken = "@@@"; return "page_token"
            }
        }
    }
}
