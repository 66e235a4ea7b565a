/// A configuration value that could not be used. The message names the key (as spelled on the
/// command line, such as `listen-port`) and says what was wrong with it.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration key, such as `listen-port` or `peer.identity`.
    public var key: String
    /// What was wrong, such as "not an integer: \"abc\"".
    public var problem: String

    /// Creates an error.
    /// - Parameters:
    ///   - key: the configuration key at fault.
    ///   - problem: what was wrong with it.
    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    /// "configuration key 'listen-port': not an integer: "abc"".
    public var description: String {
        "configuration key '\(self.key)': \(self.problem)"
    }
}
