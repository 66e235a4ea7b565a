public import GRPCCore
public import VoucherdModel

// Methods not implemented yet. Each moves to its own IssuanceService+<Concern>.swift file when
// it is; this file disappears when the last one does.
extension IssuanceService {
    public func createCampaign(
        request: Voucherd_V1_CreateCampaignRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        throw RPCError(code: .unimplemented, message: "createCampaign is not implemented yet.")
    }

    public func updateCampaign(
        request: Voucherd_V1_UpdateCampaignRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        throw RPCError(code: .unimplemented, message: "updateCampaign is not implemented yet.")
    }

    public func activateCampaign(
        request: Voucherd_V1_CampaignTransitionRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        throw RPCError(code: .unimplemented, message: "activateCampaign is not implemented yet.")
    }

    public func pauseCampaign(
        request: Voucherd_V1_CampaignTransitionRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        throw RPCError(code: .unimplemented, message: "pauseCampaign is not implemented yet.")
    }

    public func endCampaign(
        request: Voucherd_V1_CampaignTransitionRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        throw RPCError(code: .unimplemented, message: "endCampaign is not implemented yet.")
    }

    public func getCampaign(
        request: Voucherd_V1_GetCampaignRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Campaign {
        throw RPCError(code: .unimplemented, message: "getCampaign is not implemented yet.")
    }

    public func listCampaigns(
        request: Voucherd_V1_ListCampaignsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListCampaignsResponse {
        throw RPCError(code: .unimplemented, message: "listCampaigns is not implemented yet.")
    }

    public func getCampaignStock(
        request: Voucherd_V1_GetCampaignRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_CampaignStock {
        throw RPCError(code: .unimplemented, message: "getCampaignStock is not implemented yet.")
    }

    public func claimCoupon(
        request: Voucherd_V1_ClaimCouponRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Coupon {
        throw RPCError(code: .unimplemented, message: "claimCoupon is not implemented yet.")
    }

    public func grantCoupons(
        request: Voucherd_V1_GrantCouponsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_GrantCouponsResponse {
        throw RPCError(code: .unimplemented, message: "grantCoupons is not implemented yet.")
    }

    public func generateCodes(
        request: Voucherd_V1_GenerateCodesRequest,
        response: RPCWriter<Voucherd_V1_GenerateCodesProgress>,
        context: ServerContext
    ) async throws {
        throw RPCError(code: .unimplemented, message: "generateCodes is not implemented yet.")
    }

    public func exportCodes(
        request: Voucherd_V1_ExportCodesRequest,
        response: RPCWriter<Voucherd_V1_CouponCodeEntry>,
        context: ServerContext
    ) async throws {
        throw RPCError(code: .unimplemented, message: "exportCodes is not implemented yet.")
    }

    public func claimCode(
        request: Voucherd_V1_ClaimCodeRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Coupon {
        throw RPCError(code: .unimplemented, message: "claimCode is not implemented yet.")
    }

    public func listWallet(
        request: Voucherd_V1_ListWalletRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListWalletResponse {
        throw RPCError(code: .unimplemented, message: "listWallet is not implemented yet.")
    }

    public func getCoupon(
        request: Voucherd_V1_GetCouponRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Coupon {
        throw RPCError(code: .unimplemented, message: "getCoupon is not implemented yet.")
    }

    public func transferCoupon(
        request: Voucherd_V1_TransferCouponRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_TransferCouponResponse {
        throw RPCError(code: .unimplemented, message: "transferCoupon is not implemented yet.")
    }

    public func exchangePoints(
        request: Voucherd_V1_ExchangePointsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Coupon {
        throw RPCError(code: .unimplemented, message: "exchangePoints is not implemented yet.")
    }

    public func refundVoucher(
        request: Voucherd_V1_RefundVoucherRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Coupon {
        throw RPCError(code: .unimplemented, message: "refundVoucher is not implemented yet.")
    }

    public func lockCoupons(
        request: Voucherd_V1_LockCouponsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_LockCouponsResponse {
        throw RPCError(code: .unimplemented, message: "lockCoupons is not implemented yet.")
    }

    public func commitLock(
        request: Voucherd_V1_CommitLockRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_CommitLockResponse {
        throw RPCError(code: .unimplemented, message: "commitLock is not implemented yet.")
    }

    public func releaseLock(
        request: Voucherd_V1_ReleaseLockRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ReleaseLockResponse {
        throw RPCError(code: .unimplemented, message: "releaseLock is not implemented yet.")
    }

    public func reverseRedemption(
        request: Voucherd_V1_ReverseRedemptionRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ReverseRedemptionResponse {
        throw RPCError(code: .unimplemented, message: "reverseRedemption is not implemented yet.")
    }
}
