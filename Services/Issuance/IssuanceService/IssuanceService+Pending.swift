public import GRPCCore
public import VoucherdModel

// Methods not implemented yet. Each moves to its own IssuanceService+<Concern>.swift file when
// it is; this file disappears when the last one does.
extension IssuanceService {
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
}
