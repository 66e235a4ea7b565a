import IdentityService
import Logging
import Prometheus
import ServiceLifecycle
import VoucherdModel
import VoucherdRuntime
import VoucherdStore

/// Wires the configuration to the identity library: the store and its writer, the service, the
/// token verifier, the shared listeners (XRPC and admin servers, health, readiness) and
/// maintenance, as one `ServiceGroup`; ``ServiceProcess`` runs it as `voucherd-identity`.
///
/// No outbox relay runs here: the services that consume identity's events and commands (issuance
/// for referral rewards) pull them with ReadOutbox, so identity needs no other service's address.
enum IdentityServer: ServiceProcess {
    static let executableName = "voucherd-identity"
    static let usage = IdentityUsage.text
    static let loggerLabel = "voucherd.identity.main"
    /// The gRPC health name of the identity service.
    static let healthServiceName = "voucherd.v1.Identity"

    /// Builds every part; nothing listens until the group runs.
    /// - Parameters:
    ///   - settings: the validated configuration.
    ///   - registry: the metrics registry the admin server serves (already bootstrapped).
    ///   - logger: the process logger.
    /// - Returns: the group to run.
    /// - Throws: ``StartupError`` for a store, certificate or key file that cannot be used.
    static func makeGroup(settings: IdentitySettings, registry: PrometheusCollectorRegistry, logger: Logger) throws -> ServiceGroup {
        let configuration = settings.service
        let store = try VoucherdStore.open(
            dataDirectory: configuration.dataDirectory, migrations: IdentitySchema.migrations, loggerLabel: "voucherd.identity.store")
        let writer = GroupCommitWriter(store: store, metricsDimensions: [("service", "identity")])
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
        let listeners = try ServiceListeners(
            configuration: configuration,
            services: [service],
            interceptors: ServiceListeners.interceptors(
                verifier: verifier, unauthenticatedMethods: IdentityService.unauthenticatedMethods, rateLimits: settings.rateLimits),
            registry: registry
        )
        let checks = IdentityStartupChecks(
            service: service, verifier: verifier, keySource: keySource, bootstrap: settings.bootstrap, logger: logger)
        // Stopped in reverse: readiness drops first, the XRPC server drains (its calls still
        // write), maintenance stops, the admin server closes, and the writer commits its queue last.
        return listeners.makeGroup(
            writer: writer,
            services: [
                .init(service: listeners.admin, serviceName: "admin"),
                .init(service: MaintenanceService(service: service), serviceName: "maintenance"),
            ],
            healthServiceName: Self.healthServiceName,
            checks: { try await checks.run() },
            logger: logger
        )
    }
}
