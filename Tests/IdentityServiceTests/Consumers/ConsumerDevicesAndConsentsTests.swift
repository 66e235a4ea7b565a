import GRDB
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct ConsumerDevicesAndConsentsTests {
    @Test func bindingAgainRefreshesLastSeen() async throws {
        let clock = TestClock()
        try await withIdentityService(clock: clock) { service, env in
            let id = try await service.register("u-dev").consumer.consumerID
            var bind = Voucherd_V1_BindDeviceRequest()
            bind.consumerID = id
            bind.fingerprint = "fp-0123456789"
            bind.label = "iPhone 15"
            let first = try await acting(as: Caller.consumer(id)) { try await service.bindDevice(request: bind, context: testContext()) }
            clock.advance(by: 60)
            bind.label = ""
            let second = try await acting(as: Caller.consumer(id)) { try await service.bindDevice(request: bind, context: testContext()) }
            #expect(second.firstSeenMicros == first.firstSeenMicros)
            #expect(second.lastSeenMicros == first.lastSeenMicros + 60_000_000)
            #expect(second.label == "iPhone 15")
            bind.fingerprint = "fp-other-device"
            _ = try await acting(as: Caller.service) { try await service.bindDevice(request: bind, context: testContext()) }
            var list = Voucherd_V1_ListDevicesRequest()
            list.consumerID = id
            let devices = try await acting(as: Caller.consumer(id)) { try await service.listDevices(request: list, context: testContext()) }
            #expect(devices.devices.map(\.fingerprint) == ["fp-0123456789", "fp-other-device"])
            #expect(try await env.outboxEvents("identity.device.bound").count == 2)
            #expect(try await env.outboxEvents("identity.device.seen").count == 1)
        }
    }

    @Test func consentHistoryIsKept() async throws {
        let clock = TestClock()
        try await withIdentityService(clock: clock) { service, env in
            let id = try await service.register("u-consent").consumer.consumerID
            var record = Voucherd_V1_RecordConsentRequest()
            record.consumerID = id
            record.purpose = "marketing"
            record.policyVersion = "2026-01"
            record.granted = true
            _ = try await acting(as: Caller.consumer(id)) { try await service.recordConsent(request: record, context: testContext()) }
            clock.advance(by: 10)
            record.granted = false
            let withdrawal = try await acting(as: Caller.consumer(id)) { try await service.recordConsent(request: record, context: testContext()) }
            #expect(!withdrawal.granted)
            var list = Voucherd_V1_ListConsentsRequest()
            list.consumerID = id
            let consents = try await acting(as: Caller.operator) { try await service.listConsents(request: list, context: testContext()) }
            #expect(consents.consents.map(\.granted) == [true, false])
            #expect(consents.consents[1].recordedAtMicros - consents.consents[0].recordedAtMicros == 10_000_000)
            #expect(try await env.outboxEvents("identity.consent.recorded").count == 2)
        }
    }
}
