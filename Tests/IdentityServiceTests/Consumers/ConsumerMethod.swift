import GRDB
import GRPCCore
@testable import IdentityService
import VoucherdModel
import VoucherdStore

/// The state the table-driven tests act on: a target consumer with a balance and a spend to refund.
struct ConsumerFixture: Sendable {
    var consumerID: String
    var otherConsumerID: String
    var spendEntryID: String

    static func make(_ service: IdentityService) async throws -> ConsumerFixture {
        let id = try await service.register("u-target").consumer.consumerID
        let other = try await service.register("u-other").consumer.consumerID
        try await service.accrue(id, 100)
        let spend = try await service.spend(id, 10)
        return ConsumerFixture(consumerID: id, otherConsumerID: other, spendEntryID: spend.entry.entryID)
    }
}

/// Every consumers method, with a valid request for the fixture's consumer.
enum ConsumerMethod: String, CaseIterable, Sendable {
    case registerConsumer, getConsumer, getMember, accruePoints, spendPoints, refundPoints, listPointsEntries
    case bindDevice, listDevices, getReferralStatus, recordConsent, listConsents, exportConsumerData, eraseConsumer

    /// Who may call it, per the proto's comments.
    var allowed: Set<CallerKind> {
        switch self {
        case .registerConsumer, .accruePoints, .spendPoints, .refundPoints: [.service, .operator]
        case .eraseConsumer: [.consumerSelf, .operator]
        default: [.consumerSelf, .service, .operator]
        }
    }

    func call(_ service: IdentityService, _ f: ConsumerFixture) async throws {
        let context = testContext()
        let id = f.consumerID
        switch self {
        case .registerConsumer:
            var r = Voucherd_V1_RegisterConsumerRequest()
            r.externalID = "u-new"
            _ = try await service.registerConsumer(request: r, context: context)
        case .getConsumer:
            var r = Voucherd_V1_GetConsumerRequest()
            r.consumerID = id
            _ = try await service.getConsumer(request: r, context: context)
        case .getMember:
            var r = Voucherd_V1_GetMemberRequest()
            r.consumerID = id
            _ = try await service.getMember(request: r, context: context)
        case .accruePoints:
            var r = Voucherd_V1_AccruePointsRequest()
            r.consumerID = id
            r.points = 5
            r.idempotencyKey = "matrix-accrue"
            _ = try await service.accruePoints(request: r, context: context)
        case .spendPoints:
            var r = Voucherd_V1_SpendPointsRequest()
            r.consumerID = id
            r.points = 5
            r.idempotencyKey = "matrix-spend"
            _ = try await service.spendPoints(request: r, context: context)
        case .refundPoints:
            var r = Voucherd_V1_RefundPointsRequest()
            r.consumerID = id
            r.spendEntryID = f.spendEntryID
            r.points = 5
            r.idempotencyKey = "matrix-refund"
            _ = try await service.refundPoints(request: r, context: context)
        case .listPointsEntries:
            var r = Voucherd_V1_ListPointsEntriesRequest()
            r.consumerID = id
            _ = try await service.listPointsEntries(request: r, context: context)
        case .bindDevice:
            var r = Voucherd_V1_BindDeviceRequest()
            r.consumerID = id
            r.fingerprint = "fingerprint-1"
            _ = try await service.bindDevice(request: r, context: context)
        case .listDevices:
            var r = Voucherd_V1_ListDevicesRequest()
            r.consumerID = id
            _ = try await service.listDevices(request: r, context: context)
        case .getReferralStatus:
            var r = Voucherd_V1_GetReferralStatusRequest()
            r.consumerID = id
            _ = try await service.getReferralStatus(request: r, context: context)
        case .recordConsent:
            var r = Voucherd_V1_RecordConsentRequest()
            r.consumerID = id
            r.purpose = "marketing"
            r.policyVersion = "2026-01"
            r.granted = true
            _ = try await service.recordConsent(request: r, context: context)
        case .listConsents:
            var r = Voucherd_V1_ListConsentsRequest()
            r.consumerID = id
            _ = try await service.listConsents(request: r, context: context)
        case .exportConsumerData:
            var r = Voucherd_V1_ExportConsumerDataRequest()
            r.consumerID = id
            _ = try await service.exportConsumerData(request: r, context: context)
        case .eraseConsumer:
            var r = Voucherd_V1_EraseConsumerRequest()
            r.consumerID = id
            _ = try await service.eraseConsumer(request: r, context: context)
        }
    }
}

/// Who calls, relative to the fixture's consumer.
enum CallerKind: String, CaseIterable, Sendable {
    case consumerSelf, consumerOther, merchant, merchantStaff, `operator`, service, none

    func principal(_ f: ConsumerFixture) -> Principal? {
        switch self {
        case .consumerSelf: Caller.consumer(f.consumerID)
        case .consumerOther: Caller.consumer(f.otherConsumerID)
        case .merchant: Caller.merchant
        case .merchantStaff: Caller.merchantStaff
        case .operator: Caller.operator
        case .service: Caller.service
        case .none: nil
        }
    }
}
