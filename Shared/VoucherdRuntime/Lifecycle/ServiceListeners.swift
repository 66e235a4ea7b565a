public import GRPCCore
public import Logging
public import Prometheus
public import ServiceLifecycle
import UnixSignals
import VoucherdModel
public import VoucherdStore
import XRPC

/// What every service serves through: the XRPC server (the service's own RPCs beside the gRPC
/// health service), the admin HTTP server (`/metrics`, `/healthz`, `/readyz`), the readiness flag
/// and health statuses they report, and the ports file that announces where they are bound.
///
/// Why one type: these must stay in step across services. Both servers share one
/// ``Readiness``, health is served on the XRPC port without a token, TLS comes from the shared
/// configuration keys, and the group stops them in the one order that drains calls before the
/// store writer closes. An executable builds its service and interceptors, hands them here, and
/// adds only the background services of its own.
public struct ServiceListeners: Sendable {
    /// Health checks need no token: load balancers and the demo call them with a certificate only.
    public static let healthMethods: Set<String> = ["grpc.health.v1.Health/Check", "grpc.health.v1.Health/Watch"]

    /// `/readyz`; set by ``ServiceStartup``, cleared when shutdown begins.
    public let readiness: Readiness
    /// The gRPC health service, served beside the service's own.
    public let health: HealthService
    /// The XRPC server.
    public let xrpc: XRPCServerService
    /// The admin HTTP server.
    public let admin: AdminServer
    /// `<data-dir>/ports.json`.
    public let portsFile: PortsFile

    /// The interceptors every service runs, in order: call logging, metrics and tracing first (so
    /// refused calls are observed too), then authentication, then rate limits (per principal, so
    /// after authentication).
    /// - Parameters:
    ///   - verifier: verifies bearer tokens.
    ///   - unauthenticatedMethods: the service's methods callable without a token;
    ///     ``healthMethods`` are added.
    ///   - rateLimits: the service's call limits.
    /// - Returns: the interceptors.
    public static func interceptors(
        verifier: AccessTokenVerifier,
        unauthenticatedMethods: Set<String> = [],
        rateLimits: RateLimitInterceptor.Configuration
    ) -> [any ServerInterceptor] {
        [
            CallObservabilityInterceptor(),
            AuthenticationInterceptor(verifier: verifier, unauthenticatedMethods: unauthenticatedMethods.union(Self.healthMethods)),
            RateLimitInterceptor(configuration: rateLimits),
        ]
    }

    /// Loads the TLS material and builds both servers; nothing is bound until the group runs.
    /// - Parameters:
    ///   - configuration: the shared keys: addresses, TLS files, data directory.
    ///   - services: the service's own RPC services (health is added).
    ///   - interceptors: the server interceptors, usually ``interceptors(verifier:unauthenticatedMethods:rateLimits:)``.
    ///   - registry: the metrics registry the admin server serves.
    /// - Throws: ``StartupError`` if the TLS material cannot be loaded.
    public init(
        configuration: ServiceConfiguration,
        services: [any RegistrableRPCService],
        interceptors: [any ServerInterceptor],
        registry: PrometheusCollectorRegistry
    ) throws(StartupError) {
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
        self.readiness = readiness
        self.health = health
        self.xrpc = XRPCServerService(transport: transport, services: services + [health], interceptors: interceptors, readiness: readiness)
        self.admin = AdminServer(host: configuration.adminHost, port: configuration.adminPort, registry: registry, readiness: readiness)
        self.portsFile = PortsFile(dataDirectory: configuration.dataDirectory)
    }

    /// The process's group, stopped on SIGTERM or SIGINT.
    ///
    /// A `ServiceGroup` stops its services in reverse order, so the order here is the shutdown
    /// order backwards: the store writer first (it commits its queue last, after everything that
    /// writes), then `services` as given (place ``admin`` among them), then the XRPC server, and
    /// the ``ServiceStartup`` last, so readiness drops first and the server drains next.
    /// - Parameters:
    ///   - writer: the store's group-commit writer.
    ///   - services: the admin server and the service's background services, in start order.
    ///   - healthServiceName: the service's gRPC health name, such as `voucherd.v1.Identity`.
    ///   - checks: what must hold before the process is ready (see ``ServiceStartup/Checks``).
    ///   - logger: the process logger.
    /// - Returns: the group to run.
    public func makeGroup(
        writer: GroupCommitWriter,
        services: [ServiceGroupConfiguration.ServiceConfiguration],
        healthServiceName: String,
        checks: @escaping ServiceStartup.Checks,
        logger: Logger
    ) -> ServiceGroup {
        let startup = ServiceStartup(listeners: self, healthServiceName: healthServiceName, checks: checks, logger: logger)
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: StoreWriterService(writer: writer), serviceName: "store-writer")]
                    + services
                    + [
                        .init(service: self.xrpc, serviceName: "xrpc"),
                        .init(service: startup, serviceName: "startup"),
                    ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
    }
}
