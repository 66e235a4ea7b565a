import Foundation
import GRPCCore
import IssuanceService
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals
import VoucherdModel
import VoucherdRuntime
import VoucherdStore
import XRPC

/// Wires the configuration to the issuance library: the store and its writer, the identity
/// client (merchants, points, signing keys, issuance's own token), the service, the
/// interceptors, the XRPC and admin servers, the lock sweeper, the command relay to identity,
/// the referral reward feed from identity, and readiness, as one `ServiceGroup`; ``ServiceProcess``
/// runs it as `voucherd-issuance`.
enum IssuanceServer: ServiceProcess {
    static let executableName = "voucherd-issuance"
    static let usage = IssuanceUsage.text
    static let loggerLabel = "voucherd.issuance.main"

    /// Health checks need no token: load balancers and the demo call them with a certificate only.
    static let healthMethods: Set<String> = ["grpc.health.v1.Health/Check", "grpc.health.v1.Health/Watch"]

    /// The `starting` line also names identity's address, the peer issuance cannot start without.
    static func startingMetadata(_ settings: IssuanceSettings) -> Logger.Metadata {
        ["identity": "\(settings.identity)"]
    }

    /// Builds every part; nothing listens or connects until the group runs.
    /// - Throws: ``StartupError`` for a store or certificate that cannot be used.
    static func makeGroup(settings: IssuanceSettings, registry: PrometheusCollectorRegistry, logger: Logger) throws -> ServiceGroup {
        let configuration = settings.service
        let store: VoucherdStore
        do {
            let storeConfiguration = StoreConfiguration(
                directory: URL(fileURLWithPath: configuration.dataDirectory),
                logger: Logger(label: "voucherd.issuance.store")
            )
            store = try VoucherdStore(configuration: storeConfiguration, migrations: IssuanceSchema.migrations)
        } catch {
            throw StartupError("cannot open the store in \(configuration.dataDirectory): \(error)")
        }
        let writer = GroupCommitWriter(
            pool: store.pool, maximumBatchSize: settings.writeBatchSize, metricsDimensions: [("service", "issuance")])

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
        let interceptors: [any ServerInterceptor] = [
            CallObservabilityInterceptor(),
            AuthenticationInterceptor(verifier: verifier, unauthenticatedMethods: Self.healthMethods),
            RateLimitInterceptor(configuration: settings.rateLimits),
        ]

        let transport: XRPCServerTransport
        do {
            transport = try XRPCServerTransport(
                host: configuration.listenHost,
                port: configuration.listenPort,
                tls: XRPCServerTLS(
                    certificateChain: .file(path: configuration.tlsCertificate),
                    privateKey: .file(path: configuration.tlsKey),
                    trustRoots: .file(path: configuration.tlsTrustRoots)
                )
            )
        } catch {
            throw StartupError("cannot load the TLS material: \(error)")
        }
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
        let readiness = Readiness()
        let health = HealthService(initial: .notServing)
        let xrpc = XRPCServerService(transport: transport, services: [service, health], interceptors: interceptors, readiness: readiness)
        let admin = AdminServer(host: configuration.adminHost, port: configuration.adminPort, registry: registry, readiness: readiness)
        let startup = StartupService(
            xrpc: xrpc, admin: admin, verifier: verifier, keySource: keySource, token: token,
            identity: settings.identity.description, readiness: readiness, health: health,
            portsFile: PortsFile(dataDirectory: configuration.dataDirectory), logger: logger
        )
        // Stopped in reverse: readiness drops first, the XRPC server drains (its calls still
        // write and still call identity), the referral feed stops (after the grant in hand), the
        // sweeper stops, the command relay makes its last pass, the admin server closes, the
        // identity client closes, and the writer commits its queue last.
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: StoreWriterService(writer: writer), serviceName: "store-writer"),
                    .init(service: identityClient, serviceName: "identity-client"),
                    .init(service: admin, serviceName: "admin"),
                    .init(service: OutboxRelayService(relay: commandRelay, logger: logger), serviceName: "identity-command-relay"),
                    .init(service: SweeperService(service: service, logger: logger), serviceName: "sweeper"),
                    .init(service: ReferralRewardFeedService(feed: referralFeed), serviceName: "referral-reward-feed"),
                    .init(service: xrpc, serviceName: "xrpc"),
                    .init(service: startup, serviceName: "startup"),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
    }
}
