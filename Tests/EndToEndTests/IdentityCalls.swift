import GRPCCore
import VoucherdModel
import XRPC

/// Identity calls the end-to-end flows share.
typealias IdentityClient = Voucherd_V1_Identity.Client<XRPCClientTransport>

extension IdentityClient {
    /// Logs in the fixture's bootstrap operator.
    func loginBootstrapOperator() async throws -> Voucherd_V1_TokenPair {
        var request = Voucherd_V1_LoginRequest()
        request.username = IdentityFixture.operatorName
        request.password = IdentityFixture.operatorPassword
        return try await self.login(request)
    }

    /// Registers (or finds) a consumer by external id.
    func register(externalID: String, inviteCode: String = "", token: String) async throws -> Voucherd_V1_Consumer {
        var request = Voucherd_V1_RegisterConsumerRequest()
        request.externalID = externalID
        request.inviteCode = inviteCode
        return try await self.registerConsumer(request, metadata: bearer(token)).consumer
    }

    /// Every points entry of a consumer (all pages) and the balance.
    func allEntries(of consumerID: String, token: String) async throws -> (entries: [Voucherd_V1_PointsEntry], balance: Int64) {
        var entries: [Voucherd_V1_PointsEntry] = []
        var request = Voucherd_V1_ListPointsEntriesRequest()
        request.consumerID = consumerID
        request.pageSize = 500
        var balance: Int64 = 0
        while true {
            let page = try await self.listPointsEntries(request, metadata: bearer(token))
            entries += page.entries
            balance = page.balance
            if page.nextPageToken.isEmpty { return (entries, balance) }
            request.pageToken = page.nextPageToken
        }
    }
}
