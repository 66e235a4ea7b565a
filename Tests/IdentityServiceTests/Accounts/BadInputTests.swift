import Foundation
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel

/// Malformed requests to every accounts method that takes input: INVALID_ARGUMENT naming the
/// field. (GetSigningKeys, RotateSigningKey, WhoAmI and VerifyAuditLog take no input.)
@Suite struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let field: String
        let caller: Principal
        let call: @Sendable (IdentityService) async throws -> Void
        var testDescription: String { "\(name) → \(field)" }
    }

    static let cases: [Case] = {
        let op = TestPrincipals.operator
        func merchant(_ change: @escaping @Sendable (inout Voucherd_V1_CreateMerchantRequest) -> Void)
            -> @Sendable (IdentityService) async throws -> Void
        {
            { service in
                var request = merchantRequest()
                change(&request)
                _ = try await service.createMerchant(request: request, context: context())
            }
        }
        func staff(_ change: @escaping @Sendable (inout Voucherd_V1_CreateStaffRequest) -> Void)
            -> @Sendable (IdentityService) async throws -> Void
        {
            { service in
                var request = Voucherd_V1_CreateStaffRequest()
                request.merchantID = "mer_own"
                request.username = "staff.one"
                request.password = strongPassword
                change(&request)
                _ = try await service.createStaff(request: request, context: context())
            }
        }
        func review(_ change: @escaping @Sendable (inout Voucherd_V1_ReviewMerchantRequest) -> Void)
            -> @Sendable (IdentityService) async throws -> Void
        {
            { service in
                var request = Voucherd_V1_ReviewMerchantRequest()
                request.merchantID = "mer_own"
                request.decision = .approved
                change(&request)
                _ = try await service.reviewMerchant(request: request, context: context())
            }
        }
        return [
            Case(name: "login", field: "username", caller: op) { service in
                _ = try await service.login(request: loginRequest(""), context: context())
            },
            Case(name: "login", field: "password", caller: op) { service in
                _ = try await service.login(request: loginRequest("root", ""), context: context())
            },
            Case(name: "exchangeApiKey", field: "api_key", caller: op) { service in
                _ = try await service.exchangeApiKey(request: .init(), context: context())
            },
            Case(name: "refreshToken", field: "refresh_token", caller: op) { service in
                _ = try await service.refreshToken(request: .init(), context: context())
            },
            Case(name: "revokeRefreshToken", field: "refresh_token", caller: op) { service in
                _ = try await service.revokeRefreshToken(request: .init(), context: context())
            },
            Case(name: "issueConsumerToken", field: "consumer_id", caller: TestPrincipals.service) { service in
                _ = try await service.issueConsumerToken(request: .init(), context: context())
            },
            Case(name: "createMerchant", field: "name", caller: op, call: merchant { $0.name = " " }),
            Case(name: "createMerchant", field: "contact_email", caller: op, call: merchant { $0.contactEmail = "x" }),
            Case(name: "createMerchant", field: "time_zone", caller: op, call: merchant { $0.timeZone = "Mars/Olympus" }),
            Case(name: "createMerchant", field: "region", caller: op, call: merchant {
                $0.region = String(repeating: "r", count: 33)
            }),
            Case(name: "createMerchant", field: "owner_username", caller: op, call: merchant { $0.ownerUsername = "A!" }),
            Case(name: "createMerchant", field: "owner_password", caller: op, call: merchant { $0.ownerPassword = "short" }),
            Case(name: "reviewMerchant", field: "merchant_id", caller: op, call: review { $0.merchantID = "" }),
            Case(name: "reviewMerchant", field: "decision", caller: op, call: review { $0.decision = .submitted }),
            Case(name: "reviewMerchant", field: "reason", caller: op, call: review { $0.decision = .rejected }),
            Case(name: "getMerchant", field: "merchant_id", caller: op) { service in
                _ = try await service.getMerchant(request: .init(), context: context())
            },
            Case(name: "listMerchants", field: "page_size", caller: op) { service in
                var request = Voucherd_V1_ListMerchantsRequest()
                request.pageSize = 501
                _ = try await service.listMerchants(request: request, context: context())
            },
            Case(name: "listMerchants", field: "page_token", caller: op) { service in
                var request = Voucherd_V1_ListMerchantsRequest()
                request.pageToken = "!!"
                _ = try await service.listMerchants(request: request, context: context())
            },
            Case(name: "createStaff", field: "merchant_id", caller: op, call: staff { $0.merchantID = "" }),
            Case(name: "createStaff", field: "username", caller: op, call: staff { $0.username = "x" }),
            Case(name: "createStaff", field: "password", caller: op, call: staff { $0.password = "eleven char" }),
            Case(name: "createStaff", field: "display_name", caller: op, call: staff {
                $0.displayName = String(repeating: "n", count: 101)
            }),
            Case(name: "createOperator", field: "username", caller: op) { service in
                var request = Voucherd_V1_CreateOperatorRequest()
                request.password = strongPassword
                _ = try await service.createOperator(request: request, context: context())
            },
            Case(name: "createOperator", field: "password", caller: op) { service in
                var request = Voucherd_V1_CreateOperatorRequest()
                request.username = "operator.two"
                _ = try await service.createOperator(request: request, context: context())
            },
            Case(name: "createServiceAccount", field: "name", caller: op) { service in
                var request = Voucherd_V1_CreateServiceAccountRequest()
                request.name = "Not Valid"
                _ = try await service.createServiceAccount(request: request, context: context())
            },
            Case(name: "createApiKey", field: "service_account_id", caller: op) { service in
                _ = try await service.createApiKey(request: .init(), context: context())
            },
            Case(name: "revokeApiKey", field: "key_id", caller: op) { service in
                var request = Voucherd_V1_RevokeApiKeyRequest()
                request.keyID = "mer_wrong_kind"
                _ = try await service.revokeApiKey(request: request, context: context())
            },
        ]
    }()

    @Test(arguments: cases)
    func namesTheField(_ testCase: Case) async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            let error = await rpcError { try await acting(as: testCase.caller) { try await testCase.call(service) } }
            #expect(error?.code == .invalidArgument, "\(String(describing: error))")
            #expect(error?.message.hasPrefix("\(testCase.field): ") == true, "\(String(describing: error))")
        }
    }
}
