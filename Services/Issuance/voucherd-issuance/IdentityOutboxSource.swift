import GRPCCore
import IssuanceService
import VoucherdModel
import XRPC

/// Identity's referral reward commands, read with ReadOutbox as issuance's service account over
/// the mutual-TLS client (identity admits the call by issuance's certificate, `outbox-readers`).
struct IdentityOutboxSource: ReferralCommandSource {
    let client: Voucherd_V1_Identity.Client<XRPCClientTransport>
    let token: ServiceToken

    func read(after sequence: UInt64, limit: UInt32) async throws -> Voucherd_V1_ReadOutboxResponse {
        var request = Voucherd_V1_ReadOutboxRequest()
        request.afterSequence = sequence
        request.limit = limit
        request.types = [ReferralRewardFeed.commandType]
        var options = CallOptions.defaults
        options.timeout = .seconds(10)
        do {
            return try await self.client.readOutbox(request, metadata: try await self.token.metadata(), options: options)
        } catch let error as RPCError where error.code == .unauthenticated {
            // Identity retired the key our token was signed with: exchange the API key again.
            // A read changes nothing, so repeating it is safe.
            await self.token.invalidate()
            return try await self.client.readOutbox(request, metadata: try await self.token.metadata(), options: options)
        }
    }
}
