import GRDB
import GRPCCore
@testable import IdentityService
import SwiftProtobuf
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct ConsumerRegistrationTests {
    @Test func registerCreatesThenFinds() async throws {
        try await withIdentityService { service, env in
            let first = try await service.register("app-user-1", displayName: "Li Wei", phone: "+8613800138000", email: "li@example.com")
            #expect(first.created)
            #expect(first.consumer.consumerID.hasPrefix("con_"))
            #expect(first.consumer.tier == "regular")
            #expect(first.consumer.inviteCode.count == 8)
            #expect(first.consumer.phone == "+8613800138000")
            let again = try await service.register("app-user-1", displayName: "Someone else")
            #expect(!again.created)
            #expect(again.consumer == first.consumer)

            var get = Voucherd_V1_GetConsumerRequest()
            get.consumerID = first.consumer.consumerID
            let fetched = try await acting(as: Caller.consumer(first.consumer.consumerID)) {
                try await service.getConsumer(request: get, context: testContext())
            }
            #expect(fetched == first.consumer)

            let events = try await env.outboxEvents("identity.consumer.registered")
            #expect(events.count == 1)
            let event = try Voucherd_V1_DomainEvent(serializedBytes: events[0].payload)
            #expect(event.subjectID == first.consumer.consumerID)
            #expect(event.actor == Caller.service.subject)
            // Events leave the service: no personal data in them.
            #expect(!events[0].payload.contains("app-user-1".utf8))
            #expect(!events[0].payload.contains("Li Wei".utf8))
            #expect(try await env.auditIsIntact())
        }
    }

    @Test func unknownConsumerIsNotFound() async throws {
        try await withIdentityService { service, _ in
            var get = Voucherd_V1_GetConsumerRequest()
            get.consumerID = "con_doesnotexist"
            await expectRPCError(.notFound, containing: "consumer_id") {
                _ = try await acting(as: Caller.service) { try await service.getConsumer(request: get, context: testContext()) }
            }
            await expectRPCError(.notFound) { _ = try await service.member("con_doesnotexist") }
        }
    }

    @Test func tokenPrincipalCarriesRoleAndTier() async throws {
        try await withIdentityService { service, env in
            let consumer = try await service.register("u-token").consumer.consumerID
            try await service.accrue(consumer, 5_000)
            let principal = try await service.consumers.tokenPrincipal(consumerID: consumer)
            #expect(principal == Principal(subject: consumer, role: .consumer, tier: "silver"))
            await expectRPCError(.notFound) { _ = try await service.consumers.tokenPrincipal(consumerID: "con_nobody") }
            var erase = Voucherd_V1_EraseConsumerRequest()
            erase.consumerID = consumer
            _ = try await acting(as: Caller.operator) { try await service.eraseConsumer(request: erase, context: testContext()) }
            await expectRPCError(.failedPrecondition) { _ = try await service.consumers.tokenPrincipal(consumerID: consumer) }
        }
    }
}
