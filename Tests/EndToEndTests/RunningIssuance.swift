import Foundation
import GRPCCore
import VoucherdModel
import VoucherdPKI
import XRPC
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A started `voucherd-issuance`, ready (its `ready` log line is the signal, as for identity).
struct RunningIssuance {
    let child: ChildProcess
    let xrpcPort: Int
    let adminPort: Int

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
        let certs = fixture.certs
        let child = try ChildProcess("voucherd-issuance", arguments: [
            "--data-dir", fixture.directory.appendingPathComponent("issuance").path,
            "--listen-port", "0", "--admin-port", "0",
            "--tls-certificate", certs.appendingPathComponent("issuance.crt").path,
            "--tls-key", certs.appendingPathComponent("issuance.key").path,
            "--tls-trust-roots", certs.appendingPathComponent("ca.crt").path,
            "--log-format", "json",
            "--peer", "identity=127.0.0.1:\(identityPort)",
            "--api-key-file", apiKeyFile.path,
        ] + extra)
        var seen: [String] = []
        for await line in child.lines {
            seen.append(line)
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["message"] as? String == "ready"
            else { continue }
            guard let xrpc = (object["xrpc_port"] as? String).flatMap(Int.init),
                let admin = (object["admin_port"] as? String).flatMap(Int.init)
            else {
                throw E2EError("ready line without ports: \(line)")
            }
            return RunningIssuance(child: child, xrpcPort: xrpc, adminPort: admin)
        }
        let exit = await child.waitForExit()
        throw E2EError("voucherd-issuance exited (\(exit.status)) before ready:\n\(seen.joined(separator: "\n"))\n\(exit.stderr)")
    }

    /// SIGTERM, then waits for the exit.
    func stop() async -> (status: Int32, killed: Bool, stderr: String) {
        self.child.signal(SIGTERM)
        return await self.child.waitForExit()
    }

    /// The value of an unlabelled metric on the admin port's `/metrics`, nil while it is absent.
    func metric(_ name: String) async throws -> Double? {
        let url = URL(string: "http://127.0.0.1:\(self.adminPort)/metrics")!
        let (data, _) = try await URLSession.shared.data(from: url)
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// Runs `body` with an issuance client, presenting `client`'s certificate.
    func withClient<T: Sendable>(
        _ fixture: IdentityFixture,
        client: String = "gateway",
        _ body: (Voucherd_V1_Issuance.Client<XRPCClientTransport>) async throws -> T
    ) async throws -> T {
        let transport = try XRPCClientTransport(
            endpoints: [XRPCEndpoint(host: "127.0.0.1", port: self.xrpcPort)],
            tls: XRPCClientTLS(
                certificateChain: .file(path: fixture.certs.appendingPathComponent("\(client).crt").path),
                privateKey: .file(path: fixture.certs.appendingPathComponent("\(client).key").path),
                trustRoots: .file(path: fixture.certs.appendingPathComponent("ca.crt").path)
            )
        )
        return try await withGRPCClient(transport: transport) { grpc in
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
