import Foundation
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdRuntime

/// Consumer tokens need both halves of the service: the accounts half mints and refreshes them,
/// the consumers half says who the consumer is now (tier, erased or not).
@Suite struct ConsumerTokenTests {
    private func issue(_ service: IdentityService, _ consumerID: String, as caller: Principal?) async throws -> Voucherd_V1_TokenPair {
        var request = Voucherd_V1_IssueConsumerTokenRequest()
        request.consumerID = consumerID
        request.withRefreshToken = true
        return try await acting(as: caller) { try await service.issueConsumerToken(request: request, context: context()) }
    }

    private func refresh(_ service: IdentityService, _ token: String) async throws -> Voucherd_V1_TokenPair {
        var request = Voucherd_V1_RefreshTokenRequest()
        request.refreshToken = token
        return try await acting(as: nil) { try await service.refreshToken(request: request, context: context()) }
    }

    @Test func aServiceMintsConsumerTokensThatCarryTheCurrentTier() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, _ in
            let consumer = try await service.register("app-user-1").consumer
            let pair = try await issue(service, consumer.consumerID, as: Caller.service)
            #expect(!pair.refreshToken.isEmpty)
            let principal = try await verifier(service, clock: clock).verify(pair.accessToken)
            #expect(principal == Principal(subject: consumer.consumerID, role: .consumer, tier: "regular"))

            // Spend enough for silver; the refreshed token says so.
            let upgrade = try await service.accrue(consumer.consumerID, 100, spend: 100_000)
            #expect(upgrade.tierChanged)
            clock.advance(by: 60)
            let refreshed = try await refresh(service, pair.refreshToken)
            let after = try await verifier(service, clock: clock).verify(refreshed.accessToken)
            #expect(after.tier == "silver")
        }
    }

    @Test func onlyServicesMintConsumerTokens() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            let consumer = try await service.register("app-user-2").consumer
            for caller in [TestPrincipals.operator, Caller.consumer(consumer.consumerID), Caller.merchant] {
                let error = await rpcError { _ = try await issue(service, consumer.consumerID, as: caller) }
                #expect(error?.code == .permissionDenied, "\(caller.role)")
            }
            let anonymous = await rpcError { _ = try await issue(service, consumer.consumerID, as: nil) }
            #expect(anonymous?.code == .unauthenticated)
        }
    }

    @Test func erasingAConsumerEndsItsSessions() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            let consumer = try await service.register("app-user-3").consumer
            let pair = try await issue(service, consumer.consumerID, as: Caller.service)
            var erase = Voucherd_V1_EraseConsumerRequest()
            erase.consumerID = consumer.consumerID
            erase.reason = "user asked"
            _ = try await acting(as: TestPrincipals.operator) { try await service.eraseConsumer(request: erase, context: context()) }

            let refused = await rpcError { _ = try await refresh(service, pair.refreshToken) }
            #expect(refused?.code == .unauthenticated)
            let reissue = await rpcError { _ = try await issue(service, consumer.consumerID, as: Caller.service) }
            #expect(reissue?.code == .failedPrecondition)
        }
    }
}
