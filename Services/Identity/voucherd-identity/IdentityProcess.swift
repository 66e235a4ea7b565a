import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import VoucherdRuntime

/// The process: reads the configuration, bootstraps logging and metrics once, runs the group,
/// and turns any start-up failure into one line on standard error and a non-zero status.
enum IdentityProcess {
    /// Exit status for a configuration error.
    static let configurationErrorStatus: Int32 = 2
    /// Exit status for any other failure (bind, certificate, store).
    static let failureStatus: Int32 = 1

    /// Runs `voucherd-identity` until SIGTERM/SIGINT.
    /// - Parameter arguments: the command line without the executable name.
    /// - Returns: the exit status: 0 after a graceful shutdown.
    static func run(arguments: [String]) async -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(IdentityUsage.text)
            return 0
        }
        let settings: IdentitySettings
        do {
            settings = try IdentitySettings.load(arguments: arguments, environment: ProcessInfo.processInfo.environment)
        } catch {
            Self.printError("\(error)")
            return Self.configurationErrorStatus
        }
        LoggingBootstrap.bootstrap(format: settings.service.logFormat, level: settings.service.logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "voucherd.identity.main")
        logger.info(
            "starting",
            metadata: [
                "data_dir": "\(settings.service.dataDirectory)",
                "listen": "\(settings.service.listenHost):\(settings.service.listenPort)",
                "admin": "\(settings.service.adminHost):\(settings.service.adminPort)",
            ]
        )
        do {
            let group = try IdentityServer.makeGroup(settings: settings, registry: registry, logger: logger)
            try await group.run()
        } catch {
            let message = Self.describe(error)
            logger.critical("stopped", metadata: ["error": "\(message)"])
            Self.printError(message)
            return Self.failureStatus
        }
        logger.info("stopped")
        return 0
    }

    /// The most useful text for an error: ServiceGroup wraps the failing service's error.
    private static func describe(_ error: any Error) -> String {
        if let startup = error as? StartupError { return startup.description }
        if let configuration = error as? ConfigurationError { return configuration.description }
        return String(describing: error)
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data("voucherd-identity: \(message)\n".utf8))
    }
}
