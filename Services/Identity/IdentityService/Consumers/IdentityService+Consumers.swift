public import GRPCCore
public import VoucherdModel

// The consumers half of the Identity service's RPC surface: each method checks the caller and
// forwards to `consumers`, where the logic lives.
extension IdentityService {
    public func registerConsumer(
        request: Voucherd_V1_RegisterConsumerRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_RegisterConsumerResponse {
        throw RPCError(code: .unimplemented, message: "registerConsumer is not implemented yet.")
    }

    public func getConsumer(
        request: Voucherd_V1_GetConsumerRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Consumer {
        throw RPCError(code: .unimplemented, message: "getConsumer is not implemented yet.")
    }

    public func getMember(
        request: Voucherd_V1_GetMemberRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Member {
        throw RPCError(code: .unimplemented, message: "getMember is not implemented yet.")
    }

    public func accruePoints(
        request: Voucherd_V1_AccruePointsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_PointsResult {
        throw RPCError(code: .unimplemented, message: "accruePoints is not implemented yet.")
    }

    public func spendPoints(
        request: Voucherd_V1_SpendPointsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_PointsResult {
        throw RPCError(code: .unimplemented, message: "spendPoints is not implemented yet.")
    }

    public func refundPoints(
        request: Voucherd_V1_RefundPointsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_PointsResult {
        throw RPCError(code: .unimplemented, message: "refundPoints is not implemented yet.")
    }

    public func listPointsEntries(
        request: Voucherd_V1_ListPointsEntriesRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListPointsEntriesResponse {
        throw RPCError(code: .unimplemented, message: "listPointsEntries is not implemented yet.")
    }

    public func bindDevice(
        request: Voucherd_V1_BindDeviceRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Device {
        throw RPCError(code: .unimplemented, message: "bindDevice is not implemented yet.")
    }

    public func listDevices(
        request: Voucherd_V1_ListDevicesRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListDevicesResponse {
        throw RPCError(code: .unimplemented, message: "listDevices is not implemented yet.")
    }

    public func getReferralStatus(
        request: Voucherd_V1_GetReferralStatusRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ReferralStatus {
        throw RPCError(code: .unimplemented, message: "getReferralStatus is not implemented yet.")
    }

    public func recordConsent(
        request: Voucherd_V1_RecordConsentRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Consent {
        throw RPCError(code: .unimplemented, message: "recordConsent is not implemented yet.")
    }

    public func listConsents(
        request: Voucherd_V1_ListConsentsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListConsentsResponse {
        throw RPCError(code: .unimplemented, message: "listConsents is not implemented yet.")
    }

    public func exportConsumerData(
        request: Voucherd_V1_ExportConsumerDataRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ConsumerDataExport {
        throw RPCError(code: .unimplemented, message: "exportConsumerData is not implemented yet.")
    }

    public func eraseConsumer(
        request: Voucherd_V1_EraseConsumerRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_EraseConsumerResponse {
        throw RPCError(code: .unimplemented, message: "eraseConsumer is not implemented yet.")
    }
}
