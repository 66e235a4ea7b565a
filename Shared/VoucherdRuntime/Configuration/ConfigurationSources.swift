import Foundation

/// The raw (string) values of one configuration source, before validation.
struct ConfigurationLayer: Sendable {
    var values: [ConfigurationKey: String] = [:]
    var peers: [String: String] = [:]
    /// Values of the service's own settings (``ServiceSetting``), by name.
    var settings: [String: String] = [:]
    /// The config file's object under the service's name.
    var section: ConfigurationSection?
    /// The config file named by this layer (`--config` or `VOUCHERD_CONFIG`).
    var configFile: String?

    /// Parses `--key value`, `--key=value`, repeated `--peer name=host:port` and `--config path`.
    static func parse(arguments: [String], settings: [ServiceSetting] = []) throws(ConfigurationError) -> ConfigurationLayer {
        let settingNames = Set(settings.map(\.name))
        var layer = ConfigurationLayer()
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw ConfigurationError(key: argument, problem: "unexpected argument; flags look like --listen-port 7443")
            }
            var name = String(argument.dropFirst(2))
            let value: String
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else {
                index += 1
                guard index < arguments.endIndex else {
                    throw ConfigurationError(key: name, problem: "flag --\(name) needs a value")
                }
                value = arguments[index]
            }
            index += 1
            if name == ConfigurationKey.config {
                layer.configFile = value
            } else if name == ConfigurationKey.peer {
                let (peer, address) = try Self.splitPeer(value)
                layer.peers[peer] = address
            } else if let key = ConfigurationKey(rawValue: name) {
                layer.values[key] = value
            } else if settingNames.contains(name) {
                layer.settings[name] = value
            } else {
                throw ConfigurationError(key: name, problem: "unknown flag --\(name)")
            }
        }
        return layer
    }

    /// Reads `VOUCHERD_*` variables; unrelated variables are ignored.
    static func parse(environment: [String: String], settings: [ServiceSetting] = []) throws(ConfigurationError) -> ConfigurationLayer {
        var layer = ConfigurationLayer()
        for key in ConfigurationKey.allCases {
            if let value = environment[key.environmentVariable] { layer.values[key] = value }
        }
        for setting in settings {
            if let value = environment[setting.environmentVariable] { layer.settings[setting.name] = value }
        }
        if let peers = environment[ConfigurationKey.peersEnvironmentVariable] {
            for entry in peers.split(separator: ",") where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
                let (peer, address) = try Self.splitPeer(entry.trimmingCharacters(in: .whitespaces))
                layer.peers[peer] = address
            }
        }
        layer.configFile = environment[ConfigurationKey.configEnvironmentVariable]
        return layer
    }

    /// Reads a JSON object whose keys are the flag names, with `"peer": {"name": "host:port"}`,
    /// the service's settings, and the service's own section under its name.
    static func parse(
        fileAt path: String,
        serviceName: String? = nil,
        settings: [ServiceSetting] = []
    ) throws(ConfigurationError) -> ConfigurationLayer {
        let settingNames = Set(settings.map(\.name))
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(key: ConfigurationKey.config, problem: "cannot read config file \(path)")
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ConfigurationError(key: ConfigurationKey.config, problem: "config file \(path) is not a JSON object")
            }
            object = parsed
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(key: ConfigurationKey.config, problem: "config file \(path) is not valid JSON")
        }
        var layer = ConfigurationLayer()
        for (name, value) in object {
            if name == ConfigurationKey.peer {
                guard let peers = value as? [String: Any] else {
                    throw ConfigurationError(key: name, problem: "must be an object of name to \"host:port\"")
                }
                for (peer, address) in peers {
                    guard let text = address as? String else {
                        throw ConfigurationError(key: "peer.\(peer)", problem: "must be a \"host:port\" string")
                    }
                    layer.peers[peer] = text
                }
            } else if let key = ConfigurationKey(rawValue: name) {
                layer.values[key] = try Self.scalar(value, key: name)
            } else if settingNames.contains(name) {
                layer.settings[name] = try Self.scalar(value, key: name)
            } else if name == serviceName {
                guard case .object(let members)? = ConfigurationValue(json: value) else {
                    throw ConfigurationError(key: name, problem: "must be an object of the service's settings")
                }
                layer.section = ConfigurationSection(path: name, values: members)
            } else {
                throw ConfigurationError(key: name, problem: "unknown key in config file \(path)")
            }
        }
        return layer
    }

    private static func scalar(_ value: Any, key: String) throws(ConfigurationError) -> String {
        if let text = value as? String { return text }
        if let number = value as? NSNumber { return number.stringValue }
        throw ConfigurationError(key: key, problem: "must be a string or a number")
    }

    private static func splitPeer(_ text: some StringProtocol) throws(ConfigurationError) -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ConfigurationError(key: ConfigurationKey.peer, problem: "malformed peer \"\(text)\"; expected name=host:port")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}
