import Foundation
import GRPCCore
import Testing
import VoucherdModel

/// Needs the real identity library (login, accounts, consumers): fails on its stubs.
@Suite("Login and permissions end to end (needs the identity library)", .timeLimit(.minutes(3)))
struct LoginAndPermissionTests {
    @Test("the bootstrap operator logs in, refreshes, and a consumer cannot act as an operator")
    func loginRefreshAndPermissions() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                try await identity.withClients(fixture) { client, _ in
                    // Wrong password: UNAUTHENTICATED.
                    var wrong = Voucherd_V1_LoginRequest()
                    wrong.username = IdentityFixture.operatorName
                    wrong.password = "not the password at all"
                    #expect(await rpcError { _ = try await client.login(wrong) }?.code == .unauthenticated)

                    let pair = try await client.loginBootstrapOperator()
                    #expect(pair.principal.role == "operator")
                    let me = try await client.whoAmI(Voucherd_V1_WhoAmIRequest(), metadata: bearer(pair.accessToken))
                    #expect(me.principal.subject == pair.principal.subject)

                    // Refresh rotates: the old refresh token stops working.
                    var refresh = Voucherd_V1_RefreshTokenRequest()
                    refresh.refreshToken = pair.refreshToken
                    let rotated = try await client.refreshToken(refresh)
                    #expect(!rotated.accessToken.isEmpty)
                    #expect(await rpcError { _ = try await client.refreshToken(refresh) }?.code == .unauthenticated)

                    // A service account's API key, exchanged for service tokens.
                    var createService = Voucherd_V1_CreateServiceAccountRequest()
                    createService.name = "e2e-gateway"
                    let service = try await client.createServiceAccount(createService, metadata: bearer(rotated.accessToken))
                    var exchange = Voucherd_V1_ExchangeApiKeyRequest()
                    exchange.apiKey = service.apiKey
                    let serviceToken = try await client.exchangeApiKey(exchange).accessToken

                    // Two consumers; a consumer token for the first.
                    let alice = try await client.register(externalID: "e2e-alice", token: serviceToken)
                    let bob = try await client.register(externalID: "e2e-bob", token: serviceToken)
                    var issue = Voucherd_V1_IssueConsumerTokenRequest()
                    issue.consumerID = alice.consumerID
                    let aliceToken = try await client.issueConsumerToken(issue, metadata: bearer(serviceToken)).accessToken

                    // Outside its role and scope: PERMISSION_DENIED over the wire.
                    var createOperator = Voucherd_V1_CreateOperatorRequest()
                    createOperator.username = "sneaky-operator"
                    createOperator.password = "a long enough password"
                    #expect(await rpcError { _ = try await client.createOperator(createOperator, metadata: bearer(aliceToken)) }?.code == .permissionDenied)
                    var otherMember = Voucherd_V1_GetMemberRequest()
                    otherMember.consumerID = bob.consumerID
                    #expect(await rpcError { _ = try await client.getMember(otherMember, metadata: bearer(aliceToken)) }?.code == .permissionDenied)
                    #expect(await rpcError { _ = try await client.verifyAuditLog(Voucherd_V1_VerifyAuditLogRequest(), metadata: bearer(serviceToken)) }?.code == .permissionDenied)

                    // Revoking the API key stops the exchange at once.
                    var revoke = Voucherd_V1_RevokeApiKeyRequest()
                    revoke.keyID = service.key.keyID
                    _ = try await client.revokeApiKey(revoke, metadata: bearer(rotated.accessToken))
                    #expect(await rpcError { _ = try await client.exchangeApiKey(exchange) }?.code == .unauthenticated)

                    let audit = try await client.verifyAuditLog(Voucherd_V1_VerifyAuditLogRequest(), metadata: bearer(rotated.accessToken))
                    #expect(audit.valid)
                    #expect(audit.entries > 0)
                }
            }
        }
    }

    @Test("voucherctl logs in, keeps a 0600 session, and shows who it is")
    func voucherctlSession() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                let session = fixture.directory.appendingPathComponent("cli/session.json").path
                let login = try ChildProcess(
                    "voucherctl",
                    arguments: [
                        "login", "--username", IdentityFixture.operatorName, "--password-stdin", "--format", "json",
                        "--endpoint", "127.0.0.1:\(identity.xrpcPort)", "--certs", fixture.certs.path, "--session", session,
                    ],
                    standardInput: IdentityFixture.operatorPassword + "\n"
                )
                let loginExit = await login.waitForExit()
                #expect(loginExit.status == 0, "stderr: \(loginExit.stderr)")
                let attributes = try FileManager.default.attributesOfItem(atPath: session)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

                let whoami = try ChildProcess("voucherctl", arguments: ["whoami", "--format", "json", "--session", session])
                let output = await whoami.collectOutput()
                #expect(await whoami.waitForExit().status == 0)
                let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
                let principal = json?["principal"] as? [String: Any]
                #expect(principal?["role"] as? String == "operator")
            }
        }
    }
}
