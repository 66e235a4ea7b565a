import Foundation
import GRDB
public import GRPCCore
import Logging
import SwiftProtobuf
public import VoucherdModel
import VoucherdStore

// Reading campaigns: merchants in scope, operators, and services (read-only).
extension IssuanceService {
    /// One campaign.
    public func getCampaign(
        request: Voucherd_V1_GetCampaignRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        try await self.handling("GetCampaign") {
            try await self.readableCampaign(request.campaignID).message
        }
    }

    /// A campaign's inventory, issued count and budget.
    public func getCampaignStock(
        request: Voucherd_V1_GetCampaignRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_CampaignStock {
        try await self.handling("GetCampaignStock") {
            try await self.readableCampaign(request.campaignID).stock
        }
    }

    /// Campaigns newest first, one page at a time; merchants see their own only.
    public func listCampaigns(
        request: Voucherd_V1_ListCampaignsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListCampaignsResponse {
        try await self.handling("ListCampaigns") {
            let principal = try Principal.required()
            try principal.require(.merchant, .merchantStaff, .operator, .service)
            let merchantID: String?
            if request.merchantID.isEmpty {
                guard principal.role == .operator || principal.role == .service else {
                    throw IssuanceError.invalidArgument(field: "merchant_id", reason: "required for merchants")
                }
                merchantID = nil
            } else {
                try RequestChecks.principalID(request.merchantID, field: "merchant_id")
                if principal.role != .service { try principal.requireMerchantScope(request.merchantID) }
                merchantID = request.merchantID
            }
            let status: CampaignStatus?
            switch request.status {
            case .unspecified: status = nil
            case .UNRECOGNIZED: throw IssuanceError.invalidArgument(field: "status", reason: "unknown status")
            default: status = CampaignStatus(request.status)
            }
            let configuration = self.environment.configuration
            let size = try RequestChecks.pageSize(
                request.pageSize, defaultSize: configuration.defaultPageSize, maximum: configuration.maximumPageSize)
            let token = try PageToken.decode(request.pageToken)
            let rows = try await self.environment.store.pool.read { db in
                try CampaignRepository.list(merchantID: merchantID, status: status, after: token, limit: size + 1, in: db)
            }
            var response = Voucherd_V1_ListCampaignsResponse()
            response.campaigns = rows.prefix(size).map(\.message)
            if rows.count > size, let last = rows.prefix(size).last {
                response.nextPageToken = PageToken(micros: last.createdAtMicros, id: last.id).encoded
            }
            return response
        }
    }

    /// The campaign, if the principal may read it.
    private func readableCampaign(_ id: String) async throws -> CampaignRecord {
        let principal = try Principal.required()
        try principal.require(.merchant, .merchantStaff, .operator, .service)
        try RequestChecks.id(id, prefix: "cmp_", field: "campaign_id")
        let record = try await self.environment.store.pool.read { db in try CampaignRepository.require(id, in: db) }
        if principal.role != .service { try principal.requireMerchantScope(record.merchantID) }
        return record
    }
}
