import GRDB
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdStore

/// One bad request and the field its INVALID_ARGUMENT must name.
struct BadInput: Sendable, CustomTestStringConvertible {
    let method: String
    let field: String
    let call: @Sendable (IdentityService, ConsumerFixture) async throws -> Void

    var testDescription: String { "\(method) \(field)" }

    static func register(_ field: String, _ edit: @escaping @Sendable (inout Voucherd_V1_RegisterConsumerRequest) -> Void) -> BadInput {
        BadInput(method: "RegisterConsumer", field: field) { service, _ in
            var r = Voucherd_V1_RegisterConsumerRequest()
            r.externalID = "u-valid"
            edit(&r)
            _ = try await service.registerConsumer(request: r, context: testContext())
        }
    }

    static func accrue(_ field: String, _ edit: @escaping @Sendable (inout Voucherd_V1_AccruePointsRequest) -> Void) -> BadInput {
        BadInput(method: "AccruePoints", field: field) { service, f in
            var r = Voucherd_V1_AccruePointsRequest()
            r.consumerID = f.consumerID
            r.points = 1
            r.idempotencyKey = "k"
            edit(&r)
            _ = try await service.accruePoints(request: r, context: testContext())
        }
    }

    static func spend(_ field: String, _ edit: @escaping @Sendable (inout Voucherd_V1_SpendPointsRequest) -> Void) -> BadInput {
        BadInput(method: "SpendPoints", field: field) { service, f in
            var r = Voucherd_V1_SpendPointsRequest()
            r.consumerID = f.consumerID
            r.points = 1
            r.idempotencyKey = "k"
            edit(&r)
            _ = try await service.spendPoints(request: r, context: testContext())
        }
    }

    static func refund(_ field: String, _ edit: @escaping @Sendable (inout Voucherd_V1_RefundPointsRequest) -> Void) -> BadInput {
        BadInput(method: "RefundPoints", field: field) { service, f in
            var r = Voucherd_V1_RefundPointsRequest()
            r.consumerID = f.consumerID
            r.spendEntryID = f.spendEntryID
            r.points = 1
            r.idempotencyKey = "k"
            edit(&r)
            _ = try await service.refundPoints(request: r, context: testContext())
        }
    }

    static func device(_ field: String, _ edit: @escaping @Sendable (inout Voucherd_V1_BindDeviceRequest) -> Void) -> BadInput {
        BadInput(method: "BindDevice", field: field) { service, f in
            var r = Voucherd_V1_BindDeviceRequest()
            r.consumerID = f.consumerID
            r.fingerprint = "fingerprint-1"
            edit(&r)
            _ = try await service.bindDevice(request: r, context: testContext())
        }
    }

    static func consent(_ field: String, _ edit: @escaping @Sendable (inout Voucherd_V1_RecordConsentRequest) -> Void) -> BadInput {
        BadInput(method: "RecordConsent", field: field) { service, f in
            var r = Voucherd_V1_RecordConsentRequest()
            r.consumerID = f.consumerID
            r.purpose = "marketing"
            r.policyVersion = "2026-01"
            edit(&r)
            _ = try await service.recordConsent(request: r, context: testContext())
        }
    }

    static func list(_ field: String, _ edit: @escaping @Sendable (inout Voucherd_V1_ListPointsEntriesRequest) -> Void) -> BadInput {
        BadInput(method: "ListPointsEntries", field: field) { service, f in
            var r = Voucherd_V1_ListPointsEntriesRequest()
            r.consumerID = f.consumerID
            edit(&r)
            _ = try await service.listPointsEntries(request: r, context: testContext())
        }
    }

    static func erase(_ field: String, _ edit: @escaping @Sendable (inout Voucherd_V1_EraseConsumerRequest) -> Void) -> BadInput {
        BadInput(method: "EraseConsumer", field: field) { service, f in
            var r = Voucherd_V1_EraseConsumerRequest()
            r.consumerID = f.consumerID
            edit(&r)
            _ = try await service.eraseConsumer(request: r, context: testContext())
        }
    }

    /// The methods whose only input is a consumer id, with that id missing or malformed.
    static func consumerIDOnly(_ id: String) -> [BadInput] {
        [
            BadInput(method: "GetConsumer", field: "consumer_id") { s, _ in
                var r = Voucherd_V1_GetConsumerRequest(); r.consumerID = id
                _ = try await s.getConsumer(request: r, context: testContext())
            },
            BadInput(method: "GetMember", field: "consumer_id") { s, _ in
                var r = Voucherd_V1_GetMemberRequest(); r.consumerID = id
                _ = try await s.getMember(request: r, context: testContext())
            },
            BadInput(method: "ListDevices", field: "consumer_id") { s, _ in
                var r = Voucherd_V1_ListDevicesRequest(); r.consumerID = id
                _ = try await s.listDevices(request: r, context: testContext())
            },
            BadInput(method: "GetReferralStatus", field: "consumer_id") { s, _ in
                var r = Voucherd_V1_GetReferralStatusRequest(); r.consumerID = id
                _ = try await s.getReferralStatus(request: r, context: testContext())
            },
            BadInput(method: "ListConsents", field: "consumer_id") { s, _ in
                var r = Voucherd_V1_ListConsentsRequest(); r.consumerID = id
                _ = try await s.listConsents(request: r, context: testContext())
            },
            BadInput(method: "ExportConsumerData", field: "consumer_id") { s, _ in
                var r = Voucherd_V1_ExportConsumerDataRequest(); r.consumerID = id
                _ = try await s.exportConsumerData(request: r, context: testContext())
            },
        ]
    }

    static let all: [BadInput] = [
        register("external_id") { $0.externalID = "" },
        register("external_id") { $0.externalID = String(repeating: "x", count: 129) },
        register("display_name") { $0.displayName = String(repeating: "名", count: 101) },
        register("phone") { $0.phone = "13800138000" },
        register("email") { $0.email = "not-an-email" },
        register("invite_code") { $0.inviteCode = "ABC" },
        register("invite_code") { $0.inviteCode = "ZZZZZZZZ" },
        accrue("consumer_id") { $0.consumerID = "" },
        accrue("points") { $0.points = 0 },
        accrue("points") { $0.points = 10_000_001 },
        accrue("spend.currency") { $0.spend.currency = "USD"; $0.spend.minorUnits = 100 },
        accrue("spend.minor_units") { $0.spend.currency = "CNY"; $0.spend.minorUnits = -1 },
        accrue("reason") { $0.reason = String(repeating: "r", count: 201) },
        accrue("reference") { $0.reference = String(repeating: "r", count: 201) },
        accrue("idempotency_key") { $0.idempotencyKey = "" },
        accrue("idempotency_key") { $0.idempotencyKey = String(repeating: "k", count: 129) },
        spend("consumer_id") { $0.consumerID = "abc" },
        spend("points") { $0.points = -5 },
        spend("idempotency_key") { $0.idempotencyKey = "ключ" },
        refund("spend_entry_id") { $0.spendEntryID = "" },
        refund("spend_entry_id") { $0.spendEntryID = "ord_1" },
        refund("points") { $0.points = 0 },
        refund("idempotency_key") { $0.idempotencyKey = "" },
        list("consumer_id") { $0.consumerID = "" },
        list("page_size") { $0.pageSize = 501 },
        list("page_token") { $0.pageToken = "next" },
        device("consumer_id") { $0.consumerID = "" },
        device("fingerprint") { $0.fingerprint = "short" },
        device("fingerprint") { $0.fingerprint = "finger\u{7}print" },
        device("label") { $0.label = String(repeating: "l", count: 101) },
        consent("consumer_id") { $0.consumerID = "" },
        consent("purpose") { $0.purpose = "" },
        consent("purpose") { $0.purpose = "Marketing!" },
        consent("policy_version") { $0.policyVersion = "" },
        erase("consumer_id") { $0.consumerID = "" },
        erase("reason") { $0.reason = String(repeating: "r", count: 201) },
    ] + consumerIDOnly("") + consumerIDOnly("user-42")
}

@Suite struct ConsumerInputValidationTests {
    @Test(arguments: BadInput.all)
    func badInputNamesTheField(input: BadInput) async throws {
        try await withIdentityService { service, _ in
            let fixture = try await ConsumerFixture.make(service)
            await expectRPCError(.invalidArgument, containing: "\(input.field):") {
                try await acting(as: Caller.operator) { try await input.call(service, fixture) }
            }
        }
    }
}
