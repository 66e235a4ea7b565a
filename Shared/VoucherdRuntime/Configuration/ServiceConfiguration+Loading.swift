import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ServiceConfiguration {
    /// Loads the configuration: flags beat environment variables, which beat the JSON config
    /// file, which beats the defaults (see the table on ``ServiceConfiguration``).
    /// - Parameters:
    ///   - serviceName: the service's name, such as `issuance`. The config file's object under
    ///     this key becomes ``section``.
    ///   - settings: keys of the service's own, read from the same sources into ``settings``.
    ///   - arguments: the command-line arguments without the executable name.
    ///   - environment: the environment; nil reads the process environment.
    ///   - file: a JSON config file to use instead of `--config` / `VOUCHERD_CONFIG`.
    ///   - standardOutputIsTerminal: chooses the default log format (`text` on a terminal).
    /// - Returns: the validated configuration.
    /// - Throws: ``ConfigurationError`` naming the key at fault.
    public static func load(
        serviceName: String,
        settings: [ServiceSetting] = [],
        arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        environment: [String: String]? = nil,
        file: String? = nil,
        standardOutputIsTerminal: Bool = Self.standardOutputIsTerminal
    ) throws(ConfigurationError) -> ServiceConfiguration {
        let flags = try ConfigurationLayer.parse(arguments: arguments, settings: settings)
        let env = try ConfigurationLayer.parse(environment: environment ?? ProcessInfo.processInfo.environment, settings: settings)
        let filePath = file ?? flags.configFile ?? env.configFile
        let fileLayer = try filePath.map { path throws(ConfigurationError) in
            try ConfigurationLayer.parse(fileAt: path, serviceName: serviceName, settings: settings)
        }
        let layers = [flags, env, fileLayer ?? ConfigurationLayer()]

        func raw(_ key: ConfigurationKey) -> String? {
            layers.lazy.compactMap { $0.values[key] }.first
        }
        func required(_ key: ConfigurationKey) throws(ConfigurationError) -> String {
            guard let path = raw(key), !path.isEmpty else {
                throw ConfigurationError(key: key.rawValue, problem: "required; set --\(key.rawValue) or \(key.environmentVariable)")
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigurationError(key: key.rawValue, problem: "file not found: \(path)")
            }
            return path
        }

        var configuration = ServiceConfiguration(
            serviceName: serviceName,
            tlsCertificate: try required(.tlsCertificate),
            tlsKey: try required(.tlsKey),
            tlsTrustRoots: try required(.tlsTrustRoots)
        )
        if let value = raw(.dataDirectory) { configuration.dataDirectory = try nonEmpty(value, .dataDirectory) }
        if let value = raw(.listenHost) { configuration.listenHost = try nonEmpty(value, .listenHost) }
        if let value = raw(.adminHost) { configuration.adminHost = try nonEmpty(value, .adminHost) }
        if let value = raw(.listenPort) { configuration.listenPort = try port(value, .listenPort) }
        if let value = raw(.adminPort) { configuration.adminPort = try port(value, .adminPort) }
        configuration.logFormat = standardOutputIsTerminal ? .text : .json
        if let value = raw(.logFormat) {
            guard let format = LogFormat(rawValue: value.lowercased()) else {
                throw ConfigurationError(key: ConfigurationKey.logFormat.rawValue, problem: "unknown log format \"\(value)\"; use json or text")
            }
            configuration.logFormat = format
        }
        if let value = raw(.logLevel) {
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                let known = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(key: ConfigurationKey.logLevel.rawValue, problem: "unknown log level \"\(value)\"; use one of \(known)")
            }
            configuration.logLevel = level
        }
        for setting in settings {
            if let value = layers.lazy.compactMap({ $0.settings[setting.name] }).first {
                configuration.settings[setting.name] = value
            }
        }
        configuration.section = fileLayer?.section
        for layer in layers.reversed() {
            for (name, text) in layer.peers {
                guard !name.isEmpty, let address = PeerAddress(parsing: text) else {
                    throw ConfigurationError(key: "peer.\(name)", problem: "malformed peer address \"\(text)\"; expected host:port")
                }
                configuration.peers[name] = address
            }
        }
        return configuration
    }

    /// Whether standard output is a terminal (then the default log format is `text`).
    public static var standardOutputIsTerminal: Bool {
        isatty(STDOUT_FILENO) == 1
    }

    private static func port(_ text: String, _ key: ConfigurationKey) throws(ConfigurationError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw ConfigurationError(key: key.rawValue, problem: "port is not an integer: \"\(text)\"")
        }
        guard (0...65535).contains(value) else {
            throw ConfigurationError(key: key.rawValue, problem: "port \(value) is out of range 0...65535")
        }
        return value
    }

    private static func nonEmpty(_ text: String, _ key: ConfigurationKey) throws(ConfigurationError) -> String {
        guard !text.isEmpty else { throw ConfigurationError(key: key.rawValue, problem: "must not be empty") }
        return text
    }
}
