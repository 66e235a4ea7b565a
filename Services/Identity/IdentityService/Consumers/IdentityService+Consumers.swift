public import GRPCCore
public import VoucherdModel

// The consumers half of the Identity service's RPC surface: each method checks the caller's
// role against the proto's rule (``ConsumerAccess``) before looking at the input, then forwards
// to `consumers`, where the logic lives.
extension IdentityService {
    /// Finds the consumer with this external id or creates it. Service and operator.
    public func registerConsumer(
        request: Voucherd_V1_RegisterConsumerRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_RegisterConsumerResponse {
        try await consumers.handle("RegisterConsumer") { principal in
            try ConsumerAccess.serviceOperator.check(principal, consumerID: "")
            return try await consumers.registerConsumer(request, by: principal)
        }
    }

    /// The consumer, erased or not. Consumer self, service, operator.
    public func getConsumer(
        request: Voucherd_V1_GetConsumerRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Consumer {
        try await consumers.handle("GetConsumer") { principal in
            try ConsumerAccess.selfServiceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.getConsumer(request)
        }
    }

    /// Tier, balance and tier history. Consumer self, service, operator.
    public func getMember(
        request: Voucherd_V1_GetMemberRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Member {
        try await consumers.handle("GetMember") { principal in
            try ConsumerAccess.selfServiceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.getMember(request)
        }
    }

    /// Adds points (and spend, for tier rules), idempotent by key. Service and operator.
    public func accruePoints(
        request: Voucherd_V1_AccruePointsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_PointsResult {
        try await consumers.handle("AccruePoints") { principal in
            try ConsumerAccess.serviceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.accruePoints(request, by: principal)
        }
    }

    /// Removes points, never below zero; idempotent by key. Service and operator.
    public func spendPoints(
        request: Voucherd_V1_SpendPointsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_PointsResult {
        try await consumers.handle("SpendPoints") { principal in
            try ConsumerAccess.serviceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.spendPoints(request, by: principal)
        }
    }

    /// Gives back points of an earlier spend; idempotent by key. Service and operator.
    public func refundPoints(
        request: Voucherd_V1_RefundPointsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_PointsResult {
        try await consumers.handle("RefundPoints") { principal in
            try ConsumerAccess.serviceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.refundPoints(request, by: principal)
        }
    }

    /// The ledger, newest first, paged. Consumer self, service, operator.
    public func listPointsEntries(
        request: Voucherd_V1_ListPointsEntriesRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListPointsEntriesResponse {
        try await consumers.handle("ListPointsEntries") { principal in
            try ConsumerAccess.selfServiceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.listPointsEntries(request)
        }
    }

    /// Binds a device fingerprint or refreshes its last-seen time. Consumer self, service, operator.
    public func bindDevice(
        request: Voucherd_V1_BindDeviceRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Device {
        try await consumers.handle("BindDevice") { principal in
            try ConsumerAccess.selfServiceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.bindDevice(request, by: principal)
        }
    }

    /// The consumer's devices, first seen first. Consumer self, service, operator.
    public func listDevices(
        request: Voucherd_V1_ListDevicesRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListDevicesResponse {
        try await consumers.handle("ListDevices") { principal in
            try ConsumerAccess.selfServiceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.listDevices(request)
        }
    }

    /// Invite code, invitees and rewards. Consumer self, service, operator.
    public func getReferralStatus(
        request: Voucherd_V1_GetReferralStatusRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ReferralStatus {
        try await consumers.handle("GetReferralStatus") { principal in
            try ConsumerAccess.selfServiceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.getReferralStatus(request)
        }
    }

    /// Records a consent or its withdrawal. Consumer self, service, operator.
    public func recordConsent(
        request: Voucherd_V1_RecordConsentRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_Consent {
        try await consumers.handle("RecordConsent") { principal in
            try ConsumerAccess.selfServiceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.recordConsent(request, by: principal)
        }
    }

    /// Every consent record, oldest first. Consumer self, service, operator.
    public func listConsents(
        request: Voucherd_V1_ListConsentsRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ListConsentsResponse {
        try await consumers.handle("ListConsents") { principal in
            try ConsumerAccess.selfServiceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.listConsents(request)
        }
    }

    /// Everything held about the consumer. Consumer self, service, operator.
    public func exportConsumerData(
        request: Voucherd_V1_ExportConsumerDataRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ConsumerDataExport {
        try await consumers.handle("ExportConsumerData") { principal in
            try ConsumerAccess.selfServiceOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.exportConsumerData(request)
        }
    }

    /// Removes the consumer's personal data; the ledger stays, anonymous. Consumer self, operator.
    public func eraseConsumer(
        request: Voucherd_V1_EraseConsumerRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_EraseConsumerResponse {
        try await consumers.handle("EraseConsumer") { principal in
            try ConsumerAccess.selfOperator.check(principal, consumerID: request.consumerID)
            return try await consumers.eraseConsumer(request, by: principal)
        }
    }
}
