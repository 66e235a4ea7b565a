import GRPCCore
public import VoucherdModel

/// The identity service: principals, credentials and tokens (``AccountsModule``), and consumers,
/// members, points, devices, referrals and privacy (``ConsumersModule``).
///
/// It knows GRPCCore and the store, not the network: the executable serves it over XRPC, and the
/// tests call it in process. Every handler expects ``Principal/current`` to be bound by the
/// authentication interceptor (except the methods in ``unauthenticatedMethods``).
public struct IdentityService: Voucherd_V1_Identity.SimpleServiceProtocol {
    /// Methods callable without an access token; give them to `AuthenticationInterceptor`.
    public static let unauthenticatedMethods: Set<String> = [
        "voucherd.v1.Identity/Login",
        "voucherd.v1.Identity/ExchangeApiKey",
        "voucherd.v1.Identity/RefreshToken",
        "voucherd.v1.Identity/RevokeRefreshToken",
        "voucherd.v1.Identity/GetSigningKeys",
    ]

    let accounts: AccountsModule
    let consumers: ConsumersModule

    /// Opens the service on a migrated store (see ``IdentitySchema``).
    /// - Parameter environment: the store, writer, clock, configuration and logger.
    /// - Throws: when the store cannot be read at start (for example the signing keys).
    public init(environment: IdentityEnvironment) throws {
        let consumers = ConsumersModule(environment: environment)
        self.consumers = consumers
        self.accounts = try AccountsModule(environment: environment, consumers: consumers)
    }
}
