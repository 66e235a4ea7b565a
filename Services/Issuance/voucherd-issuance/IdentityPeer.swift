import GRPCCore
import IssuanceService
import VoucherdModel
import XRPC

/// Issuance's view of identity over XRPC: merchants (GetMerchant) and the points ledger
/// (SpendPoints/RefundPoints), called as issuance's service account.
struct IdentityPeer: MerchantDirectory, PointsLedger {
    let client: Voucherd_V1_Identity.Client<XRPCClientTransport>
    let token: ServiceToken

    func merchant(id: String) async throws -> Voucherd_V1_Merchant? {
        var request = Voucherd_V1_GetMerchantRequest()
        request.merchantID = id
        do {
            return try await self.authorized { client, metadata in
                try await client.getMerchant(request, metadata: metadata)
            }
        } catch let error as RPCError where error.code == .notFound {
            return nil
        }
    }

    func spend(consumerID: String, points: Int64, reason: String, reference: String, idempotencyKey: String) async throws -> Voucherd_V1_PointsResult {
        var request = Voucherd_V1_SpendPointsRequest()
        request.consumerID = consumerID
        request.points = points
        request.reason = reason
        request.reference = reference
        request.idempotencyKey = idempotencyKey
        return try await self.authorized { client, metadata in
            try await client.spendPoints(request, metadata: metadata)
        }
    }

    func refund(consumerID: String, spendEntryID: String, points: Int64, reason: String, idempotencyKey: String) async throws -> Voucherd_V1_PointsResult {
        var request = Voucherd_V1_RefundPointsRequest()
        request.consumerID = consumerID
        request.spendEntryID = spendEntryID
        request.points = points
        request.reason = reason
        request.idempotencyKey = idempotencyKey
        return try await self.authorized { client, metadata in
            try await client.refundPoints(request, metadata: metadata)
        }
    }

    /// Runs a call with the service token; on UNAUTHENTICATED (identity rotated and retired
    /// its key, or our clock disagrees) exchanges the key again and retries once. The calls are
    /// idempotent by key (points) or reads, so the retry is safe.
    private func authorized<Result: Sendable>(
        _ call: (Voucherd_V1_Identity.Client<XRPCClientTransport>, Metadata) async throws -> Result
    ) async throws -> Result {
        do {
            return try await call(self.client, try await self.token.metadata())
        } catch let error as RPCError where error.code == .unauthenticated {
            await self.token.invalidate()
            return try await call(self.client, try await self.token.metadata())
        }
    }
}
