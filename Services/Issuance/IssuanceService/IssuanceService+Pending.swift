public import GRPCCore
public import VoucherdModel

// Methods not implemented yet. Each moves to its own IssuanceService+<Concern>.swift file when
// it is; this file disappears when the last one does.
extension IssuanceService {
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
}
