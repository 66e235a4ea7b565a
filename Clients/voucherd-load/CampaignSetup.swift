import Foundation
import GRPCCore
import VoucherdModel
import XRPC

/// The `--setup` campaign: a claim campaign worth a fixed amount off, claimable from a minute
/// ago for a day, with the given inventory and per-user limit, activated at once.
struct CampaignSetup: Sendable, Hashable {
    var merchantID: String
    var inventory: UInt64
    var perUserLimit: UInt32
    var currency: String

    /// The CreateCampaign request; `now` is microseconds since the epoch.
    func request(runID: String, nowMicros: Int64) -> Voucherd_V1_CreateCampaignRequest {
        var request = Voucherd_V1_CreateCampaignRequest()
        request.merchantID = self.merchantID
        request.name = "voucherd-load flash sale \(runID)"
        request.description_p = "Created by voucherd-load flash-sale --setup."
        request.distribution = .claim
        var off = Voucherd_V1_Money()
        off.currency = self.currency
        off.minorUnits = 500
        request.benefit.fixedAmount.off = off
        request.rules.validity.afterClaim.days = 30
        // A minute back, so clock skew between this box and the service cannot make the
        // campaign not yet claimable.
        request.rules.claimStartMicros = nowMicros - 60_000_000
        request.rules.claimEndMicros = nowMicros + 86_400_000_000
        request.rules.inventory = self.inventory
        request.rules.perUserTotal = self.perUserLimit
        request.idempotencyKey = "voucherd-load-setup-\(runID)"
        return request
    }

    /// Creates and activates the campaign; returns it as activated.
    func createAndActivate(issuance: Voucherd_V1_Issuance.Client<XRPCClientTransport>, adminToken: String, runID: String) async throws -> Voucherd_V1_Campaign {
        let auth = Metadata.bearer(adminToken)
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let created = try await issuance.createCampaign(self.request(runID: runID, nowMicros: now), metadata: auth)
        var activate = Voucherd_V1_CampaignTransitionRequest()
        activate.campaignID = created.campaignID
        activate.reason = "voucherd-load flash-sale"
        return try await issuance.activateCampaign(activate, metadata: auth)
    }
}
