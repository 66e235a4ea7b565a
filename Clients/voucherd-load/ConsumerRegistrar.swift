import GRPCCore
import VoucherdModel
import XRPC

/// Logs in as a service account and finds or creates the consumers a scenario acts for.
struct ConsumerRegistrar: Sendable {
    let pool: ClientPool
    let setupConcurrency: Int

    /// Exchanges a service account's API key for an access token.
    func serviceToken(apiKey: String) async throws -> String {
        var request = Voucherd_V1_ExchangeApiKeyRequest()
        request.apiKey = apiKey
        return try await Voucherd_V1_Identity.Client(wrapping: self.pool.client(for: 0)).exchangeApiKey(request).accessToken
    }

    /// Registers `<prefix>-0` … `<prefix>-<count-1>` (finding those that already exist) and
    /// returns their consumer ids in that order.
    func register(prefix: String, count: Int, serviceToken: String) async throws -> [String] {
        let auth = Metadata.bearer(serviceToken)
        let pool = self.pool
        return try await BoundedConcurrency.map(count: count, concurrency: self.setupConcurrency) { index in
            var request = Voucherd_V1_RegisterConsumerRequest()
            request.externalID = "\(prefix)-\(index)"
            let identity = Voucherd_V1_Identity.Client(wrapping: pool.client(for: index))
            return try await identity.registerConsumer(request, metadata: auth).consumer.consumerID
        }
    }

    /// Mints an access token for each consumer (IssueConsumerToken, service role).
    func mintTokens(consumerIDs: [String], serviceToken: String) async throws -> [String] {
        let auth = Metadata.bearer(serviceToken)
        let pool = self.pool
        return try await BoundedConcurrency.map(count: consumerIDs.count, concurrency: self.setupConcurrency) { index in
            var request = Voucherd_V1_IssueConsumerTokenRequest()
            request.consumerID = consumerIDs[index]
            let identity = Voucherd_V1_Identity.Client(wrapping: pool.client(for: index))
            return try await identity.issueConsumerToken(request, metadata: auth).accessToken
        }
    }

    /// Each consumer's points balance, in order.
    func balances(consumerIDs: [String], serviceToken: String) async throws -> [Int64] {
        let auth = Metadata.bearer(serviceToken)
        let pool = self.pool
        return try await BoundedConcurrency.map(count: consumerIDs.count, concurrency: self.setupConcurrency) { index in
            var request = Voucherd_V1_GetMemberRequest()
            request.consumerID = consumerIDs[index]
            let identity = Voucherd_V1_Identity.Client(wrapping: pool.client(for: index))
            return try await identity.getMember(request, metadata: auth).pointsBalance
        }
    }
}
