public import GRPCCore
import Logging
public import VoucherdModel

// The accounts half of the Identity service's RPC surface: each method checks the caller's role
// and forwards to `accounts`, where the logic lives. Errors other than `RPCError` and the
// module's own `AccountsError` are logged and answered as a generic internal error.
extension IdentityService {
    /// Staff and operator login; no token needed.
    public func login(
        request: Voucherd_V1_LoginRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_TokenPair {
        try await self.accountsCall("login") {
            return try await self.accounts.login(username: request.username, password: request.password)
        }
    }

    /// Exchanges a service account's API key for tokens; no token needed.
    public func exchangeApiKey(
        request: Voucherd_V1_ExchangeApiKeyRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_TokenPair {
        try await self.accountsCall("exchangeApiKey") {
            return try await self.accounts.exchangeApiKey(request.apiKey)
        }
    }

    /// Rotates a refresh token; reuse of a rotated one revokes its family. No token needed.
    public func refreshToken(
        request: Voucherd_V1_RefreshTokenRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_TokenPair {
        try await self.accountsCall("refreshToken") {
            return try await self.accounts.refreshToken(request.refreshToken)
        }
    }

    /// Revokes a refresh token's family (log out). No token needed.
    public func revokeRefreshToken(
        request: Voucherd_V1_RevokeRefreshTokenRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_RevokeRefreshTokenResponse {
        try await self.accountsCall("revokeRefreshToken") {
            var response = Voucherd_V1_RevokeRefreshTokenResponse()
            response.revoked = try await self.accounts.revokeRefreshToken(request.refreshToken)
            return response
        }
    }

    /// Tokens for a consumer, for services only.
    public func issueConsumerToken(
        request: Voucherd_V1_IssueConsumerTokenRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_TokenPair {
        try await self.accountsCall("issueConsumerToken") {
            try Principal.required().require(.service)
            return try await self.accounts.issueConsumerToken(
                consumerID: request.consumerID, withRefreshToken: request.withRefreshToken)
        }
    }

    /// The published verification keys, current first. No token needed.
    public func getSigningKeys(
        request: Voucherd_V1_GetSigningKeysRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_SigningKeySet {
        try await self.accountsCall("getSigningKeys") {
            var set = Voucherd_V1_SigningKeySet()
            set.keys = try await self.accounts.publishedSigningKeys().map(\.proto)
            return set
        }
    }

    /// Starts signing with a new key. Operator only.
    public func rotateSigningKey(
        request: Voucherd_V1_RotateSigningKeyRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_SigningKeySet {
        try await self.accountsCall("rotateSigningKey") {
            let principal = try Principal.required()
            try principal.require(.operator)
            var set = Voucherd_V1_SigningKeySet()
            set.keys = try await self.accounts.rotateSigningKey(actor: principal.subject).map(\.proto)
            return set
        }
    }

    /// The caller's principal. Any authenticated caller.
    public func whoAmI(
        request: Voucherd_V1_WhoAmIRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_WhoAmIResponse {
        try await self.accountsCall("whoAmI") {
            let principal = try Principal.required()
            var response = Voucherd_V1_WhoAmIResponse()
            response.principal = AccountsModule.principalInfo(principal)
            return response
        }
    }

    /// Submits a merchant and its owner account. Service and operator.
    public func createMerchant(
        request: Voucherd_V1_CreateMerchantRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Merchant {
        try await self.accountsCall("createMerchant") {
            let principal = try Principal.required()
            try principal.require(.service, .operator)
            return try await self.accounts.createMerchant(request, actor: principal)
        }
    }

    /// Approves or rejects a submitted merchant. Operator only.
    public func reviewMerchant(
        request: Voucherd_V1_ReviewMerchantRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Merchant {
        try await self.accountsCall("reviewMerchant") {
            let principal = try Principal.required()
            try principal.require(.operator)
            return try await self.accounts.reviewMerchant(request, actor: principal)
        }
    }

    /// A merchant. Operator, service, and the merchant's own owner and staff.
    public func getMerchant(
        request: Voucherd_V1_GetMerchantRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Merchant {
        try await self.accountsCall("getMerchant") {
            let principal = try Principal.required()
            try principal.require(.operator, .service, .merchant, .merchantStaff)
            try AccountsValidation.id(request.merchantID, "merchant_id", prefix: "mer")
            if principal.role == .merchant || principal.role == .merchantStaff {
                try principal.requireMerchantScope(request.merchantID)
            }
            return try await self.accounts.getMerchant(id: request.merchantID)
        }
    }

    /// Merchants, newest first, paged. Operator and service.
    public func listMerchants(
        request: Voucherd_V1_ListMerchantsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListMerchantsResponse {
        try await self.accountsCall("listMerchants") {
            try Principal.required().require(.operator, .service)
            return try await self.accounts.listMerchants(request)
        }
    }

    /// Adds a staff account. Operator, or the merchant's owner.
    public func createStaff(
        request: Voucherd_V1_CreateStaffRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Account {
        try await self.accountsCall("createStaff") {
            let principal = try Principal.required()
            try principal.require(.operator, .merchant)
            try AccountsValidation.id(request.merchantID, "merchant_id", prefix: "mer")
            try principal.requireMerchantScope(request.merchantID)
            return try await self.accounts.createStaff(request, actor: principal)
        }
    }

    /// Adds an operator account. Operator only.
    public func createOperator(
        request: Voucherd_V1_CreateOperatorRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Account {
        try await self.accountsCall("createOperator") {
            let principal = try Principal.required()
            try principal.require(.operator)
            return try await self.accounts.createOperator(request, actor: principal)
        }
    }

    /// Creates a service account and its first API key. Operator only.
    public func createServiceAccount(
        request: Voucherd_V1_CreateServiceAccountRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_CreateServiceAccountResponse {
        try await self.accountsCall("createServiceAccount") {
            let principal = try Principal.required()
            try principal.require(.operator)
            return try await self.accounts.createServiceAccount(request, actor: principal)
        }
    }

    /// Adds an API key to a service account. Operator only.
    public func createApiKey(
        request: Voucherd_V1_CreateApiKeyRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_CreateApiKeyResponse {
        try await self.accountsCall("createApiKey") {
            let principal = try Principal.required()
            try principal.require(.operator)
            return try await self.accounts.createApiKey(serviceAccountID: request.serviceAccountID, actor: principal)
        }
    }

    /// Revokes an API key. Operator only.
    public func revokeApiKey(
        request: Voucherd_V1_RevokeApiKeyRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_RevokeApiKeyResponse {
        try await self.accountsCall("revokeApiKey") {
            let principal = try Principal.required()
            try principal.require(.operator)
            return try await self.accounts.revokeApiKey(keyID: request.keyID, actor: principal)
        }
    }

    /// Checks the audit log's hash chain. Operator only.
    public func verifyAuditLog(
        request: Voucherd_V1_VerifyAuditLogRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_VerifyAuditLogResponse {
        try await self.accountsCall("verifyAuditLog") {
            try Principal.required().require(.operator)
            return try await self.accounts.verifyAuditLog()
        }
    }

    /// Runs a handler body, turning unexpected errors into a generic internal error.
    private func accountsCall<Response: Sendable>(
        _ method: String, _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch let error as RPCError {
            throw error
        } catch let error as AccountsError {
            throw error
        } catch is CancellationError {
            throw RPCError(code: .cancelled, message: "The call was cancelled.")
        } catch {
            self.accounts.environment.logger.error(
                "identity accounts call failed", metadata: ["method": "\(method)", "error": "\(error)"])
            throw RPCError(code: .internalError, message: "Internal error.")
        }
    }
}
