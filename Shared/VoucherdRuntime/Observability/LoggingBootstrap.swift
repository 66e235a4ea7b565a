public import Logging

/// Installs the process-wide log handler. Executables call ``bootstrap(format:level:)`` once,
/// first thing, with the values from ``ServiceConfiguration``.
public enum LoggingBootstrap {
    /// Bootstraps swift-log: ``JSONLogHandler`` for `.json`, `StreamLogHandler` on standard
    /// output for `.text`. Call it once per process (swift-log forbids a second bootstrap).
    /// - Parameters:
    ///   - format: the line format.
    ///   - level: the lowest level written.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in Self.makeHandler(label: label, format: format, level: level) }
    }

    /// The handler ``bootstrap(format:level:)`` installs for a label.
    /// - Parameters:
    ///   - label: the logger's label.
    ///   - format: the line format.
    ///   - level: the lowest level written.
    /// - Returns: the handler.
    public static func makeHandler(label: String, format: LogFormat, level: Logger.Level) -> any LogHandler {
        switch format {
        case .json:
            return JSONLogHandler(label: label, logLevel: level, metadataProvider: CallLogContext.metadataProvider)
        case .text:
            var handler = StreamLogHandler.standardOutput(label: label, metadataProvider: CallLogContext.textMetadataProvider)
            handler.logLevel = level
            return handler
        }
    }
}
