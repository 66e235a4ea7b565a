import VoucherdModel
import GRPCCore
import Testing
import VoucherdRuntime
import XRPC

private let consumer = Principal(subject: "c", role: .consumer, tier: "regular")
private let merchant = Principal(subject: "m", role: .merchant, merchantID: "m-1")
private let staff = Principal(subject: "s", role: .merchantStaff, merchantID: "m-1")
private let operatorUser = Principal(subject: "o", role: .operator)
private let service = Principal(subject: "svc", role: .service)

@Suite struct AuthorizationTests {

    @Test(arguments: [
        (consumer, [Role.consumer], true),
        (consumer, [Role.merchant, .merchantStaff], false),
        (merchant, [Role.merchant, .merchantStaff], true),
        (staff, [Role.merchant], false),
        (operatorUser, [Role.operator], true),
        (service, [Role.operator, .consumer], false),
    ])
    func requireRoles(principal: Principal, roles: [Role], allowed: Bool) {
        do {
            try principal.require(anyOf: Set(roles))
            #expect(allowed)
        } catch {
            #expect(!allowed)
            #expect(error.code == .permissionDenied)
            #expect(error.message.contains(principal.role.rawValue))
        }
    }

    @Test func variadicRequire() throws {
        try staff.require(.merchant, .merchantStaff)
        #expect(throws: RPCError.self) { try staff.require(.operator) }
    }

    @Test(arguments: [
        (operatorUser, "m-1", true),
        (operatorUser, "m-2", true),
        (merchant, "m-1", true),
        (merchant, "m-2", false),
        (staff, "m-1", true),
        (staff, "m-2", false),
        (consumer, "m-1", false),
        (service, "m-1", false),
        (Principal(subject: "x", role: .merchant), "m-1", false),
    ])
    func merchantScope(principal: Principal, merchantID: String, allowed: Bool) {
        #expect(principal.isInMerchantScope(merchantID) == allowed)
        do {
            try principal.requireMerchantScope(merchantID)
            #expect(allowed)
        } catch {
            #expect(!allowed)
            #expect(error.code == .permissionDenied)
        }
    }

    @Test func serviceIdentityCheck() throws {
        let check = ServiceIdentityCheck(allowing: ["spiffe://voucherd/issuance"])
        var peer = XRPCPeer.anonymous
        peer.uris = ["spiffe://voucherd/issuance"]
        #expect(try check.check(peer: peer) == "spiffe://voucherd/issuance")

        peer.uris = ["spiffe://voucherd/wallet"]
        let denied = #expect(throws: RPCError.self) { try check.check(peer: peer) }
        #expect(denied?.code == .permissionDenied)
        #expect(denied?.message.contains("spiffe://voucherd/wallet") == true)

        let anonymous = #expect(throws: RPCError.self) { try check.check(peer: .anonymous) }
        #expect(anonymous?.code == .permissionDenied)

        let noTransport = #expect(throws: RPCError.self) { try check.check(makeContext()) }
        #expect(noTransport?.code == .permissionDenied)
    }
}
