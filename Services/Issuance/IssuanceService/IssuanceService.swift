import GRPCCore
public import VoucherdModel

/// The issuance service: campaigns, claims, grants, codes, wallets, transfers, points exchange,
/// expiry, and the lock/commit/release steps of checkout.
///
/// It knows GRPCCore and the store, not the network: the executable serves it over XRPC and
/// gives it clients for its peers (``IssuancePeers``); the tests call it in process. Handlers
/// expect ``Principal/current`` to be bound by the authentication interceptor.
public struct IssuanceService: Voucherd_V1_Issuance.SimpleServiceProtocol {
    let environment: IssuanceEnvironment
    /// Refuses claims of sold-out campaigns before they reach the writer; shared by every copy
    /// of the service value.
    let stockGate = StockGate()
    let soldOutClaimants = SoldOutClaimants()
    /// Counts failed ClaimCode lookups per caller; shared by every copy of the service value.
    let codeLookups: CodeLookupLimiter

    /// Opens the service on a migrated store (see ``IssuanceSchema``).
    /// - Parameter environment: the store, writer, peers, clock, configuration and logger.
    public init(environment: IssuanceEnvironment) throws {
        self.environment = environment
        self.codeLookups = CodeLookupLimiter(now: environment.now)
    }
}
