import Foundation
import GRPCCore
import VoucherdModel
import VoucherdPKI
import XRPC

/// `voucherd-issuance` as a ``RunningService``.
enum IssuanceExecutable: ServiceExecutable {
    static let name = "voucherd-issuance"
}

/// A started `voucherd-issuance`, ready.
typealias RunningIssuance = RunningService<IssuanceExecutable>

extension RunningIssuance {
    /// Adds issuance's certificate to the fixture's CA (reused) and writes its API key file.
    /// - Returns: the API key file.
    static func prepare(_ fixture: IdentityFixture, apiKey: String) throws -> URL {
        _ = try LocalClusterCertificates.write(
            to: fixture.certs.path, services: ["issuance"], clients: ["gateway"],
            hosts: LocalClusterCertificates.defaultHosts, ipAddresses: ["127.0.0.1"], reuseExistingCA: true
        )
        let file = fixture.directory.appendingPathComponent("issuance-api-key")
        try Data("\(apiKey)\n".utf8).write(to: file)
        return file
    }

    /// Starts issuance on the fixture's directory, talking to identity at `identityPort`, with
    /// `extra` arguments (such as `--config`).
    /// - Throws: ``E2EError`` with the output if it exits before it is ready.
    static func start(_ fixture: IdentityFixture, identityPort: Int, apiKeyFile: URL, extra: [String] = []) async throws -> RunningIssuance {
        try await Self.launch(
            arguments: fixture.serviceArguments("issuance") + [
                "--peer", "identity=127.0.0.1:\(identityPort)",
                "--api-key-file", apiKeyFile.path,
            ] + extra)
    }

    /// Runs `body` with an issuance client, presenting `client`'s certificate.
    func withClient<T: Sendable>(
        _ fixture: IdentityFixture,
        client: String = "gateway",
        _ body: (Voucherd_V1_Issuance.Client<XRPCClientTransport>) async throws -> T
    ) async throws -> T {
        try await self.withXRPCClient(fixture, client: client) { grpc in
            try await body(Voucherd_V1_Issuance.Client(wrapping: grpc))
        }
    }
}

/// What the issuance tests set up at identity: issuance's and a gateway's service accounts, an
/// approved merchant with its owner, and a consumer.
struct IssuanceActors: Sendable {
    var issuanceAPIKey: String
    var gatewayToken: String
    var ownerToken: String
    var merchantID: String
    var consumerID: String
    var consumerToken: String

    static let ownerPassword = "owner password for e2e"

    static func create(_ client: IdentityClient) async throws -> IssuanceActors {
        let operatorToken = try await client.loginBootstrapOperator().accessToken
        func serviceAccount(_ name: String) async throws -> String {
            var request = Voucherd_V1_CreateServiceAccountRequest()
            request.name = name
            return try await client.createServiceAccount(request, metadata: bearer(operatorToken)).apiKey
        }
        let issuanceKey = try await serviceAccount("e2e-issuance")
        var exchange = Voucherd_V1_ExchangeApiKeyRequest()
        exchange.apiKey = try await serviceAccount("e2e-gateway")
        let gatewayToken = try await client.exchangeApiKey(exchange).accessToken

        var merchant = Voucherd_V1_CreateMerchantRequest()
        merchant.name = "E2E Noodles"
        merchant.contactEmail = "owner@noodles.example"
        merchant.timeZone = "Asia/Shanghai"
        merchant.ownerUsername = "e2e-owner"
        merchant.ownerPassword = Self.ownerPassword
        let merchantID = try await client.createMerchant(merchant, metadata: bearer(gatewayToken)).merchantID
        var review = Voucherd_V1_ReviewMerchantRequest()
        review.merchantID = merchantID
        review.decision = .approved
        review.reason = "e2e"
        _ = try await client.reviewMerchant(review, metadata: bearer(operatorToken))
        var login = Voucherd_V1_LoginRequest()
        login.username = "e2e-owner"
        login.password = Self.ownerPassword
        let ownerToken = try await client.login(login).accessToken

        let consumer = try await client.register(externalID: "e2e-issuance-consumer", token: gatewayToken)
        var issue = Voucherd_V1_IssueConsumerTokenRequest()
        issue.consumerID = consumer.consumerID
        let consumerToken = try await client.issueConsumerToken(issue, metadata: bearer(gatewayToken)).accessToken
        return IssuanceActors(
            issuanceAPIKey: issuanceKey, gatewayToken: gatewayToken, ownerToken: ownerToken,
            merchantID: merchantID, consumerID: consumer.consumerID, consumerToken: consumerToken
        )
    }
}
