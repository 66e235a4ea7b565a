import Foundation
public import Logging
import Metrics
public import Prometheus
public import ServiceLifecycle

/// What every service executable's settings have: the shared keys, loaded together with the
/// service's own, so ``ServiceProcess`` can load them and log where the service listens.
public protocol ServiceSettings: Sendable {
    /// The shared keys.
    var service: ServiceConfiguration { get }

    /// Loads and validates every key.
    /// - Parameters:
    ///   - arguments: the command line without the executable name.
    ///   - environment: the process environment.
    /// - Throws: ``ConfigurationError`` naming the key at fault.
    static func load(arguments: [String], environment: [String: String]) throws(ConfigurationError) -> Self
}

/// A service executable as a process: reads the configuration, bootstraps logging and metrics
/// once, runs the service's group until SIGTERM/SIGINT, and turns any start-up failure into one
/// line on standard error and a non-zero status.
///
/// Why a protocol: every executable must answer `--help`, exit codes and the `starting` and
/// `stopped` lines the same way (the demo, deploy scripts and end-to-end tests rely on them), and
/// differs only in its name, settings and group. A conforming type supplies those and calls
/// ``run(arguments:)`` from `main.swift`.
public protocol ServiceProcess {
    /// The executable's settings.
    associatedtype Settings: ServiceSettings

    /// The executable's name, such as `voucherd-identity`; it starts every line printed on
    /// standard error.
    static var executableName: String { get }
    /// The text `--help` prints.
    static var usage: String { get }
    /// The label of the process logger, which logs `starting`, `stopped` and the group's events.
    static var loggerLabel: String { get }

    /// Metadata the `starting` line adds to the data directory and addresses; none by default.
    /// - Parameter settings: the loaded settings.
    static func startingMetadata(_ settings: Settings) -> Logger.Metadata

    /// Builds every part; nothing listens or connects until the group runs.
    /// - Parameters:
    ///   - settings: the validated configuration.
    ///   - registry: the metrics registry the admin server serves (already bootstrapped).
    ///   - logger: the process logger.
    /// - Returns: the group to run.
    /// - Throws: ``StartupError`` for a store, certificate or file that cannot be used.
    static func makeGroup(settings: Settings, registry: PrometheusCollectorRegistry, logger: Logger) throws -> ServiceGroup
}

extension ServiceProcess {
    /// Exit status for a configuration error.
    public static var configurationErrorStatus: Int32 { 2 }
    /// Exit status for any other failure (bind, certificate, store).
    public static var failureStatus: Int32 { 1 }

    /// No extra metadata.
    public static func startingMetadata(_ settings: Settings) -> Logger.Metadata { [:] }

    /// Runs the executable until SIGTERM/SIGINT.
    /// - Parameter arguments: the command line without the executable name.
    /// - Returns: the exit status: 0 after a graceful shutdown (or `--help`),
    ///   ``configurationErrorStatus`` or ``failureStatus``.
    public static func run(arguments: [String]) async -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(Self.usage)
            return 0
        }
        let settings: Settings
        do {
            settings = try Settings.load(arguments: arguments, environment: ProcessInfo.processInfo.environment)
        } catch {
            Self.printError("\(error)")
            return Self.configurationErrorStatus
        }
        let service = settings.service
        LoggingBootstrap.bootstrap(format: service.logFormat, level: service.logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: Self.loggerLabel)
        let addresses: Logger.Metadata = [
            "data_dir": "\(service.dataDirectory)",
            "listen": "\(service.listenHost):\(service.listenPort)",
            "admin": "\(service.adminHost):\(service.adminPort)",
        ]
        logger.info("starting", metadata: addresses.merging(Self.startingMetadata(settings)) { _, extra in extra })
        do {
            let group = try Self.makeGroup(settings: settings, registry: registry, logger: logger)
            try await group.run()
        } catch {
            let message = Self.describe(error)
            logger.critical("stopped", metadata: ["error": "\(message)"])
            LogLineWriter.standardOutput.flush()
            Self.printError(message)
            return Self.failureStatus
        }
        logger.info("stopped")
        // JSON log lines are written from a thread of their own; let the last ones out.
        LogLineWriter.standardOutput.flush()
        return 0
    }

    /// The most useful text for an error: ServiceGroup wraps the failing service's error.
    private static func describe(_ error: any Error) -> String {
        if let startup = error as? StartupError { return startup.description }
        if let configuration = error as? ConfigurationError { return configuration.description }
        return String(describing: error)
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data("\(Self.executableName): \(message)\n".utf8))
    }
}
