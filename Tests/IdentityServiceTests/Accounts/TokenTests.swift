import Foundation
import GRDB
import GRPCCore
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdStore
import VoucherdRuntime

@Suite struct TokenTests {
    private func refresh(_ service: IdentityService, _ token: String) async throws -> Voucherd_V1_TokenPair {
        var request = Voucherd_V1_RefreshTokenRequest()
        request.refreshToken = token
        return try await acting(as: nil) { try await service.refreshToken(request: request, context: context()) }
    }

    private func login(_ service: IdentityService) async throws -> Voucherd_V1_TokenPair {
        _ = try await service.bootstrapOperator(username: "root", password: strongPassword)
        return try await service.login(request: loginRequest("root"), context: context())
    }

    @Test func refreshRotatesAndTheOldTokenStopsWorking() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, environment in
            let first = try await login(service)
            clock.advance(by: 60)
            let second = try await refresh(service, first.refreshToken)
            #expect(second.refreshToken != first.refreshToken)
            #expect(second.principal == first.principal)
            _ = try await verifier(service, clock: clock).verify(second.accessToken)

            // Reusing the rotated token revokes the whole family, including the live successor.
            let reuse = await rpcError { _ = try await refresh(service, first.refreshToken) }
            #expect(reuse?.code == .unauthenticated)
            let successor = await rpcError { _ = try await refresh(service, second.refreshToken) }
            #expect(successor?.code == .unauthenticated)
            let types = try await environment.store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT type FROM store_outbox")
            }
            #expect(types.contains("identity.session.revoked"))
            // Only hashes are stored.
            let stored = try await environment.store.pool.read { db in
                try Data.fetchAll(db, sql: "SELECT token_hash FROM refresh_tokens")
            }
            #expect(stored.count == 2)
            #expect(!stored.contains(Data(first.refreshToken.utf8)))
        }
    }

    @Test func refreshTokensExpire() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, _ in
            let pair = try await login(service)
            #expect(pair.refreshTokenExpiresAtMicros - pair.accessTokenExpiresAtMicros
                == (30 * 86_400 - 900) * 1_000_000)
            clock.advance(by: 30 * 86_400 + 1)
            let error = await rpcError { _ = try await refresh(service, pair.refreshToken) }
            #expect(error?.code == .unauthenticated)
        }
    }

    @Test func revokeEndsTheFamily() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            let first = try await login(service)
            let second = try await refresh(service, first.refreshToken)
            var request = Voucherd_V1_RevokeRefreshTokenRequest()
            request.refreshToken = second.refreshToken
            let response = try await service.revokeRefreshToken(request: request, context: context())
            #expect(response.revoked == 1)
            #expect(await rpcError { _ = try await refresh(service, second.refreshToken) }?.code == .unauthenticated)
            request.refreshToken = "rt_unknown"
            #expect(await rpcError { _ = try await service.revokeRefreshToken(request: request, context: context()) }?
                .code == .unauthenticated)
        }
    }

    @Test func apiKeyExchangeAndRevocation() async throws {
        let clock = TestClock()
        try await withIdentityService(configuration: cheapConfiguration, clock: clock) { service, environment in
            let created = try await service.makeServiceAccount()
            #expect(created.apiKey.hasPrefix(created.key.keyID + "."))
            var exchange = Voucherd_V1_ExchangeApiKeyRequest()
            exchange.apiKey = created.apiKey
            let pair = try await service.exchangeApiKey(request: exchange, context: context())
            let principal = try await verifier(service, clock: clock).verify(pair.accessToken)
            #expect(principal == Principal(subject: created.serviceAccount.serviceAccountID, role: .service))
            // A service-account refresh keeps the service principal.
            let refreshed = try await refresh(service, pair.refreshToken)
            #expect(refreshed.principal.role == "service")

            // The stored secret is a hash, not the key.
            let secrets = try await environment.store.pool.read { db in
                try Data.fetchAll(db, sql: "SELECT secret_hash FROM api_keys")
            }
            #expect(secrets.allSatisfy { $0.count == 32 })

            var wrongSecret = exchange
            wrongSecret.apiKey = created.key.keyID + ".not-the-secret"
            #expect(await rpcError { _ = try await service.exchangeApiKey(request: wrongSecret, context: context()) }?
                .code == .unauthenticated)

            // A second key for rotation, then revoke the first.
            var createKey = Voucherd_V1_CreateApiKeyRequest()
            createKey.serviceAccountID = created.serviceAccount.serviceAccountID
            let second = try await acting(as: TestPrincipals.operator) {
                try await service.createApiKey(request: createKey, context: context())
            }
            var revoke = Voucherd_V1_RevokeApiKeyRequest()
            revoke.keyID = created.key.keyID
            let revoked = try await acting(as: TestPrincipals.operator) {
                try await service.revokeApiKey(request: revoke, context: context())
            }
            #expect(revoked.key.revokedAtMicros > 0)
            #expect(await rpcError { _ = try await service.exchangeApiKey(request: exchange, context: context()) }?
                .code == .unauthenticated)
            // Sessions obtained with the revoked key end with it.
            #expect(await rpcError { _ = try await refresh(service, refreshed.refreshToken) }?.code == .unauthenticated)
            exchange.apiKey = second.apiKey
            _ = try await service.exchangeApiKey(request: exchange, context: context())

            let duplicate = await rpcError { _ = try await service.makeServiceAccount() }
            #expect(duplicate?.code == .alreadyExists)
            #expect(duplicate?.message.hasPrefix("name:") == true)
        }
    }

    @Test func issueConsumerTokenForUnknownConsumerIsNotFound() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            var request = Voucherd_V1_IssueConsumerTokenRequest()
            request.consumerID = "con_missing"
            let error = await rpcError {
                _ = try await acting(as: TestPrincipals.service) {
                    try await service.issueConsumerToken(request: request, context: context())
                }
            }
            #expect(error?.code == .notFound)
        }
    }
}
