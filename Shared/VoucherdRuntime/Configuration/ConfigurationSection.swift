/// A JSON object from the config file, read key by key. Each accessor names the full key path
/// (`identity.tokens.issuer`) in its ``ConfigurationError``, and ``rejectUnknownKeys(known:)``
/// refuses keys the service does not know, so a typo stops the process instead of being ignored.
public struct ConfigurationSection: Sendable, Hashable {
    /// The dotted path of this object, such as `identity` or `identity.tokens`.
    public let path: String
    /// The object's members.
    public let values: [String: ConfigurationValue]

    /// Creates a section.
    /// - Parameters:
    ///   - path: the object's key path, for error messages.
    ///   - values: its members.
    public init(path: String, values: [String: ConfigurationValue]) {
        self.path = path
        self.values = values
    }

    /// The full key path of a member.
    /// - Parameter key: the member's key.
    public func keyPath(_ key: String) -> String {
        self.path.isEmpty ? key : "\(self.path).\(key)"
    }

    /// A nested object; nil when absent.
    /// - Parameter key: the member's key.
    /// - Throws: ``ConfigurationError`` if the member is not an object.
    public func section(_ key: String) throws(ConfigurationError) -> ConfigurationSection? {
        switch self.values[key] {
        case nil, .null?: return nil
        case .object(let members)?: return ConfigurationSection(path: self.keyPath(key), values: members)
        default: throw ConfigurationError(key: self.keyPath(key), problem: "must be an object")
        }
    }

    /// A string member; nil when absent.
    /// - Parameter key: the member's key.
    /// - Throws: ``ConfigurationError`` if the member is not a string.
    public func string(_ key: String) throws(ConfigurationError) -> String? {
        switch self.values[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw ConfigurationError(key: self.keyPath(key), problem: "must be a string")
        }
    }

    /// An integer member; nil when absent.
    /// - Parameters:
    ///   - key: the member's key.
    ///   - range: the values allowed.
    /// - Throws: ``ConfigurationError`` if the member is not an integer in `range`.
    public func integer(_ key: String, in range: ClosedRange<Int64> = Int64.min...Int64.max) throws(ConfigurationError) -> Int64? {
        switch self.values[key] {
        case nil, .null?: return nil
        case .number(let number)?:
            guard number.rounded() == number, let value = Int64(exactly: number) else {
                throw ConfigurationError(key: self.keyPath(key), problem: "must be an integer, not \(number)")
            }
            guard range.contains(value) else {
                throw ConfigurationError(key: self.keyPath(key), problem: "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        default: throw ConfigurationError(key: self.keyPath(key), problem: "must be an integer")
        }
    }

    /// A number member, such as a duration in seconds; nil when absent.
    /// - Parameter key: the member's key.
    /// - Throws: ``ConfigurationError`` if the member is not a number.
    public func number(_ key: String) throws(ConfigurationError) -> Double? {
        switch self.values[key] {
        case nil, .null?: return nil
        case .number(let number)?: return number
        default: throw ConfigurationError(key: self.keyPath(key), problem: "must be a number")
        }
    }

    /// A boolean member; nil when absent.
    /// - Parameter key: the member's key.
    /// - Throws: ``ConfigurationError`` if the member is not `true` or `false`.
    public func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        switch self.values[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw ConfigurationError(key: self.keyPath(key), problem: "must be true or false")
        }
    }

    /// Refuses members not in `known`.
    /// - Parameter known: the keys the service reads.
    /// - Throws: ``ConfigurationError`` naming the first unknown key (alphabetically).
    public func rejectUnknownKeys(known: Set<String>) throws(ConfigurationError) {
        if let unknown = self.values.keys.filter({ !known.contains($0) }).sorted().first {
            let expected = known.isEmpty ? "this section takes no keys yet" : "known keys: \(known.sorted().joined(separator: ", "))"
            throw ConfigurationError(key: self.keyPath(unknown), problem: "unknown key; \(expected)")
        }
    }
}
