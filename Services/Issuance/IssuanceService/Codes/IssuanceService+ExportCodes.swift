import Foundation
import GRDB
public import GRPCCore
import Logging
public import VoucherdModel
import VoucherdStore

// Exporting a campaign's codes for printing: the campaign's merchant and operators.
extension IssuanceService {
    /// Codes read per read transaction: short reads, so a long export never holds back the
    /// WAL checkpoint.
    static let codesPerExportPage = 5_000

    /// Streams every code of a code campaign, as displayed, in generation order, with the
    /// coupon it became and that coupon's state (empty and unspecified while unclaimed).
    ///
    /// Each export is audited (`issuance.codes.exported`): the codes are bearer secrets.
    /// - Throws: NOT_FOUND for an unknown campaign, PERMISSION_DENIED outside the merchant's
    ///   scope, FAILED_PRECONDITION for a campaign that is not a code campaign.
    public func exportCodes(
        request: Voucherd_V1_ExportCodesRequest,
        response: RPCWriter<Voucherd_V1_CouponCodeEntry>,
        context: ServerContext
    ) async throws {
        try await self.handlingOffTheEventLoop("ExportCodes") {
            let principal = try Principal.required()
            try principal.require(.merchant, .merchantStaff, .operator)
            try RequestChecks.id(request.campaignID, prefix: "cmp_", field: "campaign_id")
            let pool = self.environment.store.pool
            let campaign = try await pool.read { db in try CampaignRepository.require(request.campaignID, in: db) }
            try principal.requireMerchantScope(campaign.merchantID)
            guard campaign.distribution == .code else {
                throw IssuanceError.failedPrecondition(
                    "Campaign '\(campaign.id)' is distributed by \(CampaignRecord.name(of: campaign.distribution)), not by code.")
            }
            let now = self.environment.now()
            let recorder = ChangeRecorder(environment: self.environment)
            try await self.environment.writer.write { db in
                try recorder.record(
                    "issuance.codes.exported", subject: campaign.id, actor: principal.subject,
                    attributes: ["merchant_id": campaign.merchantID], now: now, in: db)
            }
            let format = campaign.couponCodeFormat
            var after: Int64 = 0
            while true {
                let start = after
                let page = try await pool.read { db in
                    try CodeRepository.page(campaignID: campaign.id, after: start, limit: Self.codesPerExportPage, in: db)
                }
                guard let last = page.last else { return }
                after = last.rowID
                try await response.write(contentsOf: page.map { Self.entry($0, format: format) })
                if page.count < Self.codesPerExportPage { return }
            }
        }
    }

    private static func entry(_ stored: CodeRepository.Entry, format: CouponCodeFormat) -> Voucherd_V1_CouponCodeEntry {
        var entry = Voucherd_V1_CouponCodeEntry()
        // Stored codes are canonical and parse; the fallback only guards a hand-edited row.
        entry.code = format.parse(stored.code).map(format.display) ?? stored.code
        entry.couponID = stored.couponID ?? ""
        entry.state = stored.couponState.flatMap(CouponState.init(rawValue:))?.message ?? .unspecified
        return entry
    }
}
