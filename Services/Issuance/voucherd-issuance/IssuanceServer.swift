import IssuanceService
import Logging
import Prometheus
import ServiceLifecycle
import VoucherdModel
import VoucherdRuntime
import VoucherdStore

/// Wires the configuration to the issuance library: the store and its writer, the identity
/// client (merchants, points, signing keys, issuance's own token), the service, the token
/// verifier, the shared listeners (XRPC and admin servers, health, readiness), the lock sweeper,
/// the command relay to identity and the referral reward feed from identity, as one
/// `ServiceGroup`; ``ServiceProcess`` runs it as `voucherd-issuance`.
enum IssuanceServer: ServiceProcess {
    static let executableName = "voucherd-issuance"
    static let usage = IssuanceUsage.text
    static let loggerLabel = "voucherd.issuance.main"
    /// The gRPC health name of the issuance service.
    static let healthServiceName = "voucherd.v1.Issuance"

    /// The `starting` line also names identity's address, the peer issuance cannot start without.
    static func startingMetadata(_ settings: IssuanceSettings) -> Logger.Metadata {
        ["identity": "\(settings.identity)"]
    }

    /// Builds every part; nothing listens or connects until the group runs.
    /// - Throws: ``StartupError`` for a store or certificate that cannot be used.
    static func makeGroup(settings: IssuanceSettings, registry: PrometheusCollectorRegistry, logger: Logger) throws -> ServiceGroup {
        let configuration = settings.service
        let store = try VoucherdStore.open(
            dataDirectory: configuration.dataDirectory, migrations: IssuanceSchema.migrations, loggerLabel: "voucherd.issuance.store")
        let writer = GroupCommitWriter(
            store: store, maximumBatchSize: settings.writeBatchSize, metricsDimensions: [("service", "issuance")])

        let identityClient = try IdentityClientService(settings: settings)
        let token = ServiceToken(client: identityClient.identity, apiKey: settings.apiKey)
        let peer = IdentityPeer(client: identityClient.identity, token: token)
        let environment = IssuanceEnvironment(
            store: store,
            writer: writer,
            peers: IssuancePeers(merchants: peer, points: peer),
            configuration: settings.issuance,
            callers: PeerCallerIdentity(),
            logger: Logger(label: "voucherd.issuance")
        )
        let service: IssuanceService
        do {
            service = try IssuanceService(environment: environment)
        } catch {
            throw StartupError("cannot start the issuance service: \(error)")
        }

        let keySource = IdentitySigningKeys(client: identityClient.identity)
        let verifier = AccessTokenVerifier(
            configuration: .init(issuer: settings.tokenIssuer, audience: settings.tokenAudience),
            keySource: keySource
        )
        let listeners = try ServiceListeners(
            configuration: configuration,
            services: [service],
            interceptors: ServiceListeners.interceptors(verifier: verifier, rateLimits: settings.rateLimits),
            registry: registry
        )
        var relayConfiguration = OutboxRelay.Configuration()
        // Most of issuance's events are not identity's; larger batches pass over them quickly.
        relayConfiguration.batchSize = 500
        let commandRelay = OutboxRelay(
            store: store, producer: IssuanceEnvironment.producer, destinationName: "identity-commands",
            destination: IdentityCommandDestination(client: identityClient.identity, token: token, logger: logger),
            configuration: relayConfiguration
        )
        // Issuance pulls identity's referral reward commands (identity does not push), so
        // identity needs no address of issuance.
        let referralFeed = ReferralRewardFeed(
            service: service, source: IdentityOutboxSource(client: identityClient.identity, token: token),
            logger: logger)
        let checks = IssuanceStartupChecks(
            verifier: verifier, keySource: keySource, token: token, identity: settings.identity.description, logger: logger)
        // Stopped in reverse: readiness drops first, the XRPC server drains (its calls still
        // write and still call identity), the referral feed stops (after the grant in hand), the
        // sweeper stops, the command relay makes its last pass, the admin server closes, the
        // identity client closes, and the writer commits its queue last.
        return listeners.makeGroup(
            writer: writer,
            services: [
                .init(service: identityClient, serviceName: "identity-client"),
                .init(service: listeners.admin, serviceName: "admin"),
                .init(service: OutboxRelayService(relay: commandRelay, logger: logger), serviceName: "identity-command-relay"),
                .init(service: SweeperService(service: service, logger: logger), serviceName: "sweeper"),
                .init(service: ReferralRewardFeedService(feed: referralFeed), serviceName: "referral-reward-feed"),
            ],
            healthServiceName: Self.healthServiceName,
            checks: { try await checks.run() },
            logger: logger
        )
    }
}
