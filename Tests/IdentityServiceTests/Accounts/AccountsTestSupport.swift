import Foundation
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdRuntime

/// Cheap password hashing for tests; production defaults are pinned by their own test.
let cheapConfiguration = IdentityConfiguration(passwords: PasswordPolicy(iterations: 1_000))

let strongPassword = "correct horse battery staple"

/// A server context for calling handlers directly; `peer` is the caller's certificate identity
/// as ``RemotePeerIdentity`` reads it ("in-process": none).
func context(_ method: String = "Test", peer: String = "in-process") -> ServerContext {
    ServerContext(
        descriptor: MethodDescriptor(fullyQualifiedService: "voucherd.v1.Identity", method: method),
        remotePeer: peer, localPeer: "in-process", cancellation: ServerContext.RPCCancellationHandle())
}

/// Issuance's certificate identity, an outbox reader by default.
let issuancePeer = "spiffe://voucherd/service/issuance"

enum TestPrincipals {
    static let `operator` = Principal(subject: "acc_operator0000000000", role: .operator)
    static let service = Principal(subject: "svc_service00000000000", role: .service)
    static let consumer = Principal(subject: "con_consumer0000000000", role: .consumer, tier: "regular")
    static func merchant(_ id: String) -> Principal {
        Principal(subject: "acc_owner0000000000000", role: .merchant, merchantID: id)
    }
    static func staff(_ id: String) -> Principal {
        Principal(subject: "acc_staff0000000000000", role: .merchantStaff, merchantID: id)
    }
}

/// The RPC error `body` throws, or nil if it succeeds.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch let error as any RPCErrorConvertible {
        return RPCError(error)
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// A verifier fed from the service's own key source, on the test clock.
func verifier(_ service: IdentityService, clock: TestClock) -> AccessTokenVerifier {
    var configuration = AccessTokenVerifier.Configuration(issuer: "voucherd-identity", audience: "voucherd")
    configuration.keyRefreshInterval = 0
    return AccessTokenVerifier(
        configuration: configuration, keySource: service.signingKeySource, now: { clock.now })
}

func merchantRequest(owner: String = "owner.one", name: String = "Tea House") -> Voucherd_V1_CreateMerchantRequest {
    var request = Voucherd_V1_CreateMerchantRequest()
    request.name = name
    request.contactEmail = "ops@tea.example"
    request.timeZone = "Asia/Shanghai"
    request.region = "CN-31"
    request.ownerUsername = owner
    request.ownerPassword = strongPassword
    return request
}

func loginRequest(_ username: String, _ password: String = strongPassword) -> Voucherd_V1_LoginRequest {
    var request = Voucherd_V1_LoginRequest()
    request.username = username
    request.password = password
    return request
}

extension IdentityService {
    /// Creates a merchant as the operator.
    func makeMerchant(owner: String = "owner.one") async throws -> Voucherd_V1_Merchant {
        try await acting(as: TestPrincipals.operator) {
            try await self.createMerchant(request: merchantRequest(owner: owner), context: context())
        }
    }

    /// Creates a service account as the operator; returns its API key.
    func makeServiceAccount(_ name: String = "pos-gateway") async throws -> Voucherd_V1_CreateServiceAccountResponse {
        var request = Voucherd_V1_CreateServiceAccountRequest()
        request.name = name
        return try await acting(as: TestPrincipals.operator) {
            try await self.createServiceAccount(request: request, context: context())
        }
    }
}
