public import GRPCCore
public import VoucherdModel

// The accounts half of the Identity service's RPC surface: each method checks the caller and
// forwards to `accounts`, where the logic lives.
extension IdentityService {
    public func login(
        request: Voucherd_V1_LoginRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_TokenPair {
        throw RPCError(code: .unimplemented, message: "login is not implemented yet.")
    }

    public func exchangeApiKey(
        request: Voucherd_V1_ExchangeApiKeyRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_TokenPair {
        throw RPCError(code: .unimplemented, message: "exchangeApiKey is not implemented yet.")
    }

    public func refreshToken(
        request: Voucherd_V1_RefreshTokenRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_TokenPair {
        throw RPCError(code: .unimplemented, message: "refreshToken is not implemented yet.")
    }

    public func revokeRefreshToken(
        request: Voucherd_V1_RevokeRefreshTokenRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_RevokeRefreshTokenResponse {
        throw RPCError(code: .unimplemented, message: "revokeRefreshToken is not implemented yet.")
    }

    public func issueConsumerToken(
        request: Voucherd_V1_IssueConsumerTokenRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_TokenPair {
        throw RPCError(code: .unimplemented, message: "issueConsumerToken is not implemented yet.")
    }

    public func getSigningKeys(
        request: Voucherd_V1_GetSigningKeysRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_SigningKeySet {
        throw RPCError(code: .unimplemented, message: "getSigningKeys is not implemented yet.")
    }

    public func rotateSigningKey(
        request: Voucherd_V1_RotateSigningKeyRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_SigningKeySet {
        throw RPCError(code: .unimplemented, message: "rotateSigningKey is not implemented yet.")
    }

    public func whoAmI(
        request: Voucherd_V1_WhoAmIRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_WhoAmIResponse {
        throw RPCError(code: .unimplemented, message: "whoAmI is not implemented yet.")
    }

    public func createMerchant(
        request: Voucherd_V1_CreateMerchantRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Merchant {
        throw RPCError(code: .unimplemented, message: "createMerchant is not implemented yet.")
    }

    public func reviewMerchant(
        request: Voucherd_V1_ReviewMerchantRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Merchant {
        throw RPCError(code: .unimplemented, message: "reviewMerchant is not implemented yet.")
    }

    public func getMerchant(
        request: Voucherd_V1_GetMerchantRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Merchant {
        throw RPCError(code: .unimplemented, message: "getMerchant is not implemented yet.")
    }

    public func listMerchants(
        request: Voucherd_V1_ListMerchantsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListMerchantsResponse {
        throw RPCError(code: .unimplemented, message: "listMerchants is not implemented yet.")
    }

    public func createStaff(
        request: Voucherd_V1_CreateStaffRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Account {
        throw RPCError(code: .unimplemented, message: "createStaff is not implemented yet.")
    }

    public func createOperator(
        request: Voucherd_V1_CreateOperatorRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Account {
        throw RPCError(code: .unimplemented, message: "createOperator is not implemented yet.")
    }

    public func createServiceAccount(
        request: Voucherd_V1_CreateServiceAccountRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_CreateServiceAccountResponse {
        throw RPCError(code: .unimplemented, message: "createServiceAccount is not implemented yet.")
    }

    public func createApiKey(
        request: Voucherd_V1_CreateApiKeyRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_CreateApiKeyResponse {
        throw RPCError(code: .unimplemented, message: "createApiKey is not implemented yet.")
    }

    public func revokeApiKey(
        request: Voucherd_V1_RevokeApiKeyRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_RevokeApiKeyResponse {
        throw RPCError(code: .unimplemented, message: "revokeApiKey is not implemented yet.")
    }

    public func verifyAuditLog(
        request: Voucherd_V1_VerifyAuditLogRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_VerifyAuditLogResponse {
        throw RPCError(code: .unimplemented, message: "verifyAuditLog is not implemented yet.")
    }
}
