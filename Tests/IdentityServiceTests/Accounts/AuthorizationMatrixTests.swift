import Foundation
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel

/// Every accounts and operations method called by every kind of caller.
@Suite struct AuthorizationMatrixTests {
    /// The callers: each role, and nobody.
    enum Caller: String, CaseIterable, Sendable {
        case consumer, merchant, merchantStaff, `operator`, service, none

        /// Merchant callers are scoped to `mer_own`, the merchant the requests name.
        var principal: Principal? {
            switch self {
            case .consumer: TestPrincipals.consumer
            case .merchant: TestPrincipals.merchant("mer_own")
            case .merchantStaff: TestPrincipals.staff("mer_own")
            case .operator: TestPrincipals.operator
            case .service: TestPrincipals.service
            case .none: nil
            }
        }
    }

    enum Method: String, CaseIterable, Sendable {
        case login, exchangeApiKey, refreshToken, revokeRefreshToken, issueConsumerToken, getSigningKeys
        case rotateSigningKey, whoAmI, createMerchant, reviewMerchant, getMerchant, listMerchants
        case createStaff, createOperator, createServiceAccount, createApiKey, revokeApiKey, verifyAuditLog
        case readOutbox

        /// Who may call it; nil means no token needed.
        var allowed: Set<Caller>? {
            switch self {
            case .login, .exchangeApiKey, .refreshToken, .revokeRefreshToken, .getSigningKeys: nil
            case .issueConsumerToken: [.service]
            case .whoAmI: [.consumer, .merchant, .merchantStaff, .operator, .service]
            case .createMerchant, .listMerchants: [.operator, .service]
            case .getMerchant: [.operator, .service, .merchant, .merchantStaff]
            case .createStaff: [.operator, .merchant]
            // Called from issuance's certificate here, so the role is what decides;
            // ReadOutboxTests varies the certificate.
            case .readOutbox: [.operator, .service]
            case .rotateSigningKey, .reviewMerchant, .createOperator, .createServiceAccount, .createApiKey,
                .revokeApiKey, .verifyAuditLog:
                [.operator]
            }
        }

        /// Calls the method with a well-formed request.
        func call(_ service: IdentityService) async throws {
            let ctx = context(rawValue)
            switch self {
            case .login:
                _ = try await service.login(request: loginRequest("nobody"), context: ctx)
            case .exchangeApiKey:
                var request = Voucherd_V1_ExchangeApiKeyRequest()
                request.apiKey = "key_x.secret"
                _ = try await service.exchangeApiKey(request: request, context: ctx)
            case .refreshToken:
                var request = Voucherd_V1_RefreshTokenRequest()
                request.refreshToken = "rt_unknown"
                _ = try await service.refreshToken(request: request, context: ctx)
            case .revokeRefreshToken:
                var request = Voucherd_V1_RevokeRefreshTokenRequest()
                request.refreshToken = "rt_unknown"
                _ = try await service.revokeRefreshToken(request: request, context: ctx)
            case .issueConsumerToken:
                var request = Voucherd_V1_IssueConsumerTokenRequest()
                request.consumerID = "con_someone"
                _ = try await service.issueConsumerToken(request: request, context: ctx)
            case .getSigningKeys:
                _ = try await service.getSigningKeys(request: .init(), context: ctx)
            case .rotateSigningKey:
                _ = try await service.rotateSigningKey(request: .init(), context: ctx)
            case .whoAmI:
                _ = try await service.whoAmI(request: .init(), context: ctx)
            case .createMerchant:
                _ = try await service.createMerchant(request: merchantRequest(), context: ctx)
            case .reviewMerchant:
                var request = Voucherd_V1_ReviewMerchantRequest()
                request.merchantID = "mer_own"
                request.decision = .approved
                _ = try await service.reviewMerchant(request: request, context: ctx)
            case .getMerchant:
                var request = Voucherd_V1_GetMerchantRequest()
                request.merchantID = "mer_own"
                _ = try await service.getMerchant(request: request, context: ctx)
            case .listMerchants:
                _ = try await service.listMerchants(request: .init(), context: ctx)
            case .createStaff:
                var request = Voucherd_V1_CreateStaffRequest()
                request.merchantID = "mer_own"
                request.username = "staff.one"
                request.password = strongPassword
                _ = try await service.createStaff(request: request, context: ctx)
            case .createOperator:
                var request = Voucherd_V1_CreateOperatorRequest()
                request.username = "operator.two"
                request.password = strongPassword
                _ = try await service.createOperator(request: request, context: ctx)
            case .createServiceAccount:
                var request = Voucherd_V1_CreateServiceAccountRequest()
                request.name = "gateway"
                _ = try await service.createServiceAccount(request: request, context: ctx)
            case .createApiKey:
                var request = Voucherd_V1_CreateApiKeyRequest()
                request.serviceAccountID = "svc_missing"
                _ = try await service.createApiKey(request: request, context: ctx)
            case .revokeApiKey:
                var request = Voucherd_V1_RevokeApiKeyRequest()
                request.keyID = "key_missing"
                _ = try await service.revokeApiKey(request: request, context: ctx)
            case .verifyAuditLog:
                _ = try await service.verifyAuditLog(request: .init(), context: ctx)
            case .readOutbox:
                _ = try await service.readOutbox(request: .init(), context: context(rawValue, peer: issuancePeer))
            }
        }
    }

    @Test(arguments: Method.allCases, Caller.allCases)
    func roleCheck(method: Method, caller: Caller) async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            let error = await rpcError { try await acting(as: caller.principal) { try await method.call(service) } }
            let notAuthenticated =
                error?.code == .unauthenticated && error?.message.contains("authenticated principal") == true
            switch (method.allowed, caller) {
            case (nil, _):
                // Public: whatever the outcome, never refused for the caller's role.
                #expect(error?.code != .permissionDenied)
                #expect(!notAuthenticated)
            case (.some, .none):
                #expect(notAuthenticated, "\(String(describing: error))")
            case (.some(let allowed), _) where allowed.contains(caller):
                #expect(error?.code != .permissionDenied, "\(String(describing: error))")
                #expect(error?.code != .unauthenticated, "\(String(describing: error))")
                #expect(error?.code != .internalError, "\(String(describing: error))")
            case (.some, _):
                #expect(error?.code == .permissionDenied, "\(String(describing: error))")
            }
        }
    }
}
