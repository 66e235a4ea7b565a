import Foundation
import GRPCCore
import IdentityService
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals
import VoucherdModel
import VoucherdRuntime
import VoucherdStore
import XRPC

/// Wires the configuration to the identity library: the store and its writer, the service, the
/// interceptors, the XRPC and admin servers, maintenance and readiness, as one `ServiceGroup`;
/// ``ServiceProcess`` runs it as `voucherd-identity`.
///
/// No outbox relay runs here: the services that consume identity's events and commands (issuance
/// for referral rewards) pull them with ReadOutbox, so identity needs no other service's address.
enum IdentityServer: ServiceProcess {
    static let executableName = "voucherd-identity"
    static let usage = IdentityUsage.text
    static let loggerLabel = "voucherd.identity.main"

    /// Health checks need no token: load balancers and the demo call them with a certificate only.
    static let healthMethods: Set<String> = ["grpc.health.v1.Health/Check", "grpc.health.v1.Health/Watch"]

    /// Builds every part; nothing listens until the group runs.
    /// - Parameters:
    ///   - settings: the validated configuration.
    ///   - registry: the metrics registry the admin server serves (already bootstrapped).
    ///   - logger: the process logger.
    /// - Returns: the group to run.
    /// - Throws: ``StartupError`` for a store, certificate or key file that cannot be used.
    static func makeGroup(settings: IdentitySettings, registry: PrometheusCollectorRegistry, logger: Logger) throws -> ServiceGroup {
        let configuration = settings.service
        let store: VoucherdStore
        do {
            let storeConfiguration = StoreConfiguration(
                directory: URL(fileURLWithPath: configuration.dataDirectory),
                logger: Logger(label: "voucherd.identity.store")
            )
            store = try VoucherdStore(configuration: storeConfiguration, migrations: IdentitySchema.migrations)
        } catch {
            throw StartupError("cannot open the store in \(configuration.dataDirectory): \(error)")
        }
        let writer = GroupCommitWriter(pool: store.pool, metricsDimensions: [("service", "identity")])
        let environment = IdentityEnvironment(
            store: store,
            writer: writer,
            configuration: settings.identity,
            callers: PeerCallerIdentity(),
            logger: Logger(label: "voucherd.identity")
        )
        let service: IdentityService
        do {
            service = try IdentityService(environment: environment)
        } catch {
            throw StartupError("cannot start the identity service: \(error)")
        }

        var keySource: any SigningKeySource = service.signingKeySource
        if let path = settings.trustedTokenKeysFile {
            let extra = try TrustedTokenKeys.load(path: path)
            logger.warning("accepting tokens signed by extra keys", metadata: ["file": "\(path)", "keys": "\(extra.count)"])
            keySource = CombinedSigningKeySource(primary: keySource, extra: extra)
        }
        let verifier = AccessTokenVerifier(
            configuration: .init(issuer: settings.identity.tokens.issuer, audience: settings.identity.tokens.audience),
            keySource: keySource
        )
        let interceptors: [any ServerInterceptor] = [
            CallObservabilityInterceptor(),
            AuthenticationInterceptor(
                verifier: verifier,
                unauthenticatedMethods: IdentityService.unauthenticatedMethods.union(Self.healthMethods)
            ),
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
        let readiness = Readiness()
        let health = HealthService(initial: .notServing)
        let xrpc = XRPCServerService(transport: transport, services: [service, health], interceptors: interceptors, readiness: readiness)
        let admin = AdminServer(host: configuration.adminHost, port: configuration.adminPort, registry: registry, readiness: readiness)
        let startup = StartupService(
            xrpc: xrpc, admin: admin, service: service, verifier: verifier, keySource: keySource,
            bootstrap: settings.bootstrap, readiness: readiness, health: health,
            portsFile: PortsFile(dataDirectory: configuration.dataDirectory), logger: logger
        )
        // Stopped in reverse: readiness drops first, the XRPC server drains (its calls still
        // write), maintenance stops, the admin server closes, and the writer commits its queue last.
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: StoreWriterService(writer: writer), serviceName: "store-writer"),
                    .init(service: admin, serviceName: "admin"),
                    .init(service: MaintenanceService(service: service), serviceName: "maintenance"),
                    .init(service: xrpc, serviceName: "xrpc"),
                    .init(service: startup, serviceName: "startup"),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
    }
}
