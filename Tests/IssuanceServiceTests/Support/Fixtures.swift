import Foundation
import GRPCCore
import Testing
import VoucherdModel

/// Principals and requests the tests start from.
enum Fixtures {
    static let `operator` = Principal(subject: "op-1", role: .operator)
    static let service = Principal(subject: "svc-gateway", role: .service)

    static func merchant(_ id: String, staff: Bool = false) -> Principal {
        Principal(subject: "acct-\(id)", role: staff ? .merchantStaff : .merchant, merchantID: id)
    }

    static func consumer(_ id: String, tier: String? = nil) -> Principal {
        Principal(subject: id, role: .consumer, tier: tier)
    }

    static func money(_ minor: Int64, _ currency: String = "CNY") -> Voucherd_V1_Money {
        var money = Voucherd_V1_Money()
        money.currency = currency
        money.minorUnits = minor
        return money
    }

    /// 无门槛 CNY 5.00 off, valid 30 days after claim, 100 coupons, one per consumer.
    static func createRequest(merchantID: String = "m1") -> Voucherd_V1_CreateCampaignRequest {
        var request = Voucherd_V1_CreateCampaignRequest()
        request.merchantID = merchantID
        request.name = "Afternoon tea"
        request.description_p = "5 yuan off"
        request.benefit.fixedAmount.off = money(500)
        request.rules.validity.afterClaim.days = 30
        request.rules.inventory = 100
        request.rules.perUserTotal = 1
        request.rules.transferable = true
        request.distribution = .claim
        request.idempotencyKey = UUID().uuidString
        return request
    }
}

extension Principal {
    /// Runs `body` as this principal, as the authentication interceptor would.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await Principal.$current.withValue(self) { try await body() }
    }
}

/// The status code and message of an error as the wire would carry it.
func status(of error: any Error) -> (RPCError.Code, String) {
    if let error = error as? RPCError { return (error.code, error.message) }
    if let error = error as? any RPCErrorConvertible { return (error.rpcErrorCode, error.rpcErrorMessage) }
    return (.unknown, "\(error)")
}

/// Expects `body` to fail with `code`, and when `field` is given, a message naming it first.
func expectStatus(
    _ code: RPCError.Code, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
    } catch {
        let (actual, message) = status(of: error)
        #expect(actual == code, "\(message)", sourceLocation: sourceLocation)
        if let field {
            #expect(message.hasPrefix(field + ":"), "\(message)", sourceLocation: sourceLocation)
        }
    }
}
