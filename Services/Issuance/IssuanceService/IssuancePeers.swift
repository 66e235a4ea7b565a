public import VoucherdModel

/// What issuance asks the identity service, as narrow protocols so the library needs no network
/// and tests can substitute their own. The executable implements them with generated clients
/// over XRPC.
public struct IssuancePeers: Sendable {
    /// Merchant facts: approval and time zone.
    public var merchants: any MerchantDirectory
    /// The points ledger, for points exchange.
    public var points: any PointsLedger

    /// Creates the peers.
    public init(merchants: any MerchantDirectory, points: any PointsLedger) {
        self.merchants = merchants
        self.points = points
    }
}

/// Looks up merchants in the identity service.
public protocol MerchantDirectory: Sendable {
    /// The merchant, or nil when it does not exist.
    func merchant(id: String) async throws -> Voucherd_V1_Merchant?
}

/// Spends and refunds points in the identity service, idempotently by key.
public protocol PointsLedger: Sendable {
    /// Spends points; throws the identity service's error (FAILED_PRECONDITION when short).
    func spend(consumerID: String, points: Int64, reason: String, reference: String, idempotencyKey: String) async throws -> Voucherd_V1_PointsResult
    /// Refunds an earlier spend.
    func refund(consumerID: String, spendEntryID: String, points: Int64, reason: String, idempotencyKey: String) async throws -> Voucherd_V1_PointsResult
}
