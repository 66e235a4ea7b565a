import Foundation
import GRDB
import GRPCCore
@testable import IdentityService
import SwiftProtobuf
import Testing
import VoucherdModel
import VoucherdStore

/// Principals the consumers tests call with.
enum Caller {
    static let service = Principal(subject: "svc_checkout", role: .service)
    static let `operator` = Principal(subject: "acc_operator", role: .operator)
    static let merchant = Principal(subject: "acc_owner", role: .merchant, merchantID: "mer_1")
    static let merchantStaff = Principal(subject: "acc_staff", role: .merchantStaff, merchantID: "mer_1")

    static func consumer(_ id: String) -> Principal {
        Principal(subject: id, role: .consumer, tier: "regular")
    }
}

/// A server context for calling handlers in process.
func testContext() -> ServerContext {
    ServerContext(
        descriptor: Voucherd_V1_Identity.Method.GetConsumer.descriptor, remotePeer: "in-process",
        localPeer: "in-process", cancellation: ServerContext.RPCCancellationHandle())
}

/// Expects `body` to fail with an `RPCError` of `code` whose message contains `fragment`.
func expectRPCError(
    _ code: RPCError.Code, containing fragment: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(code), the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        if let fragment {
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected RPCError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

extension IdentityService {
    /// Registers a consumer as the service caller.
    @discardableResult
    func register(
        _ externalID: String, inviteCode: String = "", displayName: String = "", phone: String = "", email: String = ""
    ) async throws -> Voucherd_V1_RegisterConsumerResponse {
        var request = Voucherd_V1_RegisterConsumerRequest()
        request.externalID = externalID
        request.inviteCode = inviteCode
        request.displayName = displayName
        request.phone = phone
        request.email = email
        return try await acting(as: Caller.service) {
            try await registerConsumer(request: request, context: testContext())
        }
    }

    @discardableResult
    func accrue(
        _ consumerID: String, _ points: Int64, spend: Int64? = nil, key: String = UUID().uuidString,
        as principal: Principal = Caller.service
    ) async throws -> Voucherd_V1_PointsResult {
        var request = Voucherd_V1_AccruePointsRequest()
        request.consumerID = consumerID
        request.points = points
        if let spend {
            request.spend.currency = "CNY"
            request.spend.minorUnits = spend
        }
        request.reason = "order"
        request.reference = "ord_1"
        request.idempotencyKey = key
        return try await acting(as: principal) { try await accruePoints(request: request, context: testContext()) }
    }

    @discardableResult
    func spend(_ consumerID: String, _ points: Int64, key: String = UUID().uuidString) async throws
        -> Voucherd_V1_PointsResult
    {
        var request = Voucherd_V1_SpendPointsRequest()
        request.consumerID = consumerID
        request.points = points
        request.reason = "exchange"
        request.reference = "cpn_1"
        request.idempotencyKey = key
        return try await acting(as: Caller.service) { try await spendPoints(request: request, context: testContext()) }
    }

    @discardableResult
    func refund(_ consumerID: String, entry: String, _ points: Int64, key: String = UUID().uuidString) async throws
        -> Voucherd_V1_PointsResult
    {
        var request = Voucherd_V1_RefundPointsRequest()
        request.consumerID = consumerID
        request.spendEntryID = entry
        request.points = points
        request.reason = "order refunded"
        request.idempotencyKey = key
        return try await acting(as: Caller.service) { try await refundPoints(request: request, context: testContext()) }
    }

    func member(_ consumerID: String) async throws -> Voucherd_V1_Member {
        var request = Voucherd_V1_GetMemberRequest()
        request.consumerID = consumerID
        return try await acting(as: Caller.service) { try await getMember(request: request, context: testContext()) }
    }
}

extension IdentityEnvironment {
    /// The outbox's events of `type`, in order.
    func outboxEvents(_ type: String) async throws -> [OutboxEvent] {
        try await store.pool.read { db in
            try outbox.events(producer: IdentityEnvironment.producer, after: 0, limit: 100_000, in: db)
        }.filter { $0.type == type }
    }

    /// Sum of every ledger entry and of every balance, erased consumers included.
    func ledgerTotals() async throws -> (entries: Int64, balances: Int64) {
        try await store.pool.read { db in
            let entries = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(points), 0) FROM points_entry") ?? -1
            let balances = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(balance), 0) FROM consumer") ?? -1
            return (entries, balances)
        }
    }

    func auditIsIntact() async throws -> Bool {
        let verification = try await store.pool.read { db in try audit.verify(in: db) }
        if case .intact(let count) = verification { return count > 0 }
        return false
    }
}
