#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRPCCore
import Synchronization
import Testing
import VoucherdModel
import XRPC

/// Identity and issuance as real processes: a merchant's campaign, claims over the wire, a
/// consumer refused on CreateCampaign, and kill -9 of issuance during a claim storm: after the
/// restart every acknowledged claim exists and issued + remaining == inventory.
@Suite("Issuance end to end", .timeLimit(.minutes(5)))
struct IssuanceEndToEndTests {
    typealias IssuanceClient = Voucherd_V1_Issuance.Client<XRPCClientTransport>

    static let inventory: UInt64 = 400
    static let claims = 600
    static let concurrency = 32
    static let killAfter = 120

    /// Acknowledged coupon ids, and whether the kill has fired.
    final class Acknowledgements: Sendable {
        private let state = Mutex<(coupons: [Int: String], killed: Bool)>(([:], false))
        let onThreshold: @Sendable () -> Void

        init(onThreshold: @escaping @Sendable () -> Void) { self.onThreshold = onThreshold }

        var killed: Bool { self.state.withLock { $0.killed } }
        /// Claim index → the coupon its answer named.
        var coupons: [Int: String] { self.state.withLock { $0.coupons } }

        func record(index: Int, couponID: String) {
            let fire = self.state.withLock { state -> Bool in
                state.coupons[index] = couponID
                guard !state.killed, state.coupons.count >= IssuanceEndToEndTests.killAfter else { return false }
                state.killed = true
                return true
            }
            if fire { self.onThreshold() }
        }
    }

    static func createCampaign(_ client: IssuanceClient, merchantID: String, token: String) async throws -> String {
        let campaign = try await client.createCampaign(Self.campaignRequest(merchantID: merchantID), metadata: bearer(token))
        var activate = Voucherd_V1_CampaignTransitionRequest()
        activate.campaignID = campaign.campaignID
        activate.reason = "e2e"
        #expect(try await client.activateCampaign(activate, metadata: bearer(token)).status == .active)
        return campaign.campaignID
    }

    /// A valid request, so a refusal can only be about who asks.
    static func campaignRequest(merchantID: String) -> Voucherd_V1_CreateCampaignRequest {
        var request = Voucherd_V1_CreateCampaignRequest()
        request.merchantID = merchantID
        request.name = "e2e 满100减20"
        request.distribution = .claim
        request.benefit.threshold.threshold = Self.cny(10_000)
        request.benefit.threshold.off = Self.cny(2_000)
        request.rules.validity.afterClaim.days = 30
        request.rules.inventory = Self.inventory
        request.idempotencyKey = "e2e-campaign-\(UUID().uuidString)"
        return request
    }

    static func cny(_ minorUnits: Int64) -> Voucherd_V1_Money {
        var money = Voucherd_V1_Money()
        money.currency = "CNY"
        money.minorUnits = minorUnits
        return money
    }

    static func claim(_ client: IssuanceClient, campaignID: String, index: Int, token: String) async throws -> Voucherd_V1_Coupon {
        var request = Voucherd_V1_ClaimCouponRequest()
        request.campaignID = campaignID
        request.consumerID = "e2e-storm-\(index % 200)"
        request.idempotencyKey = "e2e-storm-claim-\(index)"
        var options = CallOptions.defaults
        options.timeout = .seconds(20)
        return try await client.claimCoupon(request, metadata: bearer(token), options: options)
    }

    @Test("campaigns and claims over the wire; kill -9 mid-storm loses no acknowledged claim")
    func campaignClaimsAndCrash() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                let actors = try await identity.withClients(fixture) { client, _ in try await IssuanceActors.create(client) }
                let keyFile = try RunningIssuance.prepare(fixture, apiKey: actors.issuanceAPIKey)

                // Phase 1: set up, claim, refuse a consumer, then a storm killed mid-way.
                let first = try await RunningIssuance.start(fixture, identityPort: identity.xrpcPort, apiKeyFile: keyFile)
                let pid = first.child.pid
                let acknowledgements = Acknowledgements { _ = kill(pid, SIGKILL) }
                var campaignID = ""
                do {
                    try await first.withClient(fixture) { client in
                        let id = try await Self.createCampaign(client, merchantID: actors.merchantID, token: actors.ownerToken)
                        campaignID = id

                        var own = Voucherd_V1_ClaimCouponRequest()
                        own.campaignID = id
                        own.idempotencyKey = "e2e-consumer-claim"
                        let coupon = try await client.claimCoupon(own, metadata: bearer(actors.consumerToken))
                        #expect(coupon.consumerID == actors.consumerID)
                        #expect(coupon.state == .issued)

                        let forbidden = Self.campaignRequest(merchantID: actors.merchantID)
                        let refusal = await rpcError { _ = try await client.createCampaign(forbidden, metadata: bearer(actors.consumerToken)) }
                        #expect(refusal?.code == .permissionDenied, "a consumer created a campaign: \(String(describing: refusal))")

                        let token = actors.gatewayToken
                        await withTaskGroup(of: Void.self) { group in
                            var next = 0
                            func addNext() {
                                guard next < Self.claims else { return }
                                let index = next
                                next += 1
                                group.addTask {
                                    guard !acknowledgements.killed else { return }
                                    if let coupon = try? await Self.claim(client, campaignID: id, index: index, token: token) {
                                        acknowledgements.record(index: index, couponID: coupon.couponID)
                                    }
                                }
                            }
                            for _ in 0..<Self.concurrency { addNext() }
                            while await group.next() != nil { addNext() }
                        }
                    }
                } catch where acknowledgements.killed {
                    // The client may notice the dead connection on shutdown; the record is what counts.
                } catch {
                    // Phase 1 failed before the kill: stop issuance, or waiting for its exit hangs.
                    first.child.signal(SIGKILL)
                    _ = await first.child.waitForExit()
                    throw error
                }
                let exit = await first.child.waitForExit()
                #expect(exit.killed && exit.status == SIGKILL, "issuance was not killed: \(exit)")
                let acknowledged = acknowledgements.coupons
                #expect(acknowledged.count >= Self.killAfter)
                try #require(!campaignID.isEmpty)

                // Phase 2: restart on the same data directory; every acknowledged claim is there.
                let second = try await RunningIssuance.start(fixture, identityPort: identity.xrpcPort, apiKeyFile: keyFile)
                defer { second.child.signal(SIGTERM) }
                try await second.withClient(fixture) { client in
                    #expect(Set(acknowledged.values).count == acknowledged.count, "two claims were answered with one coupon")
                    for couponID in acknowledged.values {
                        var get = Voucherd_V1_GetCouponRequest()
                        get.couponID = couponID
                        let coupon = try await client.getCoupon(get, metadata: bearer(actors.gatewayToken))
                        #expect(coupon.campaignID == campaignID)
                    }
                    var stockRequest = Voucherd_V1_GetCampaignRequest()
                    stockRequest.campaignID = campaignID
                    let stock = try await client.getCampaignStock(stockRequest, metadata: bearer(actors.ownerToken))
                    #expect(stock.inventory == Self.inventory)
                    #expect(stock.issued + stock.remaining == stock.inventory)
                    // The consumer's own claim plus every acknowledged storm claim, at least.
                    #expect(stock.issued >= UInt64(acknowledged.count + 1))

                    // Retried with the same keys after the crash, acknowledged claims return
                    // their coupon again and issue nothing new.
                    for (index, couponID) in acknowledged.sorted(by: { $0.key < $1.key }).prefix(50) {
                        let again = try await Self.claim(client, campaignID: campaignID, index: index, token: actors.gatewayToken)
                        #expect(again.couponID == couponID, "claim \(index) retried after the crash got another coupon")
                    }
                    let after = try await client.getCampaignStock(stockRequest, metadata: bearer(actors.ownerToken))
                    #expect(after.issued == stock.issued, "retrying acknowledged claims issued more coupons")
                }
                let stopped = await second.stop()
                #expect(stopped.status == 0 && !stopped.killed, "issuance did not drain cleanly: \(stopped.stderr)")
            }
        }
    }
}
