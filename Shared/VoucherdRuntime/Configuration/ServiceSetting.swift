import Foundation

/// A configuration key one service adds to the shared ones of ``ServiceConfiguration``, such as
/// identity's `bootstrap-operator`. It is read from the same three sources with the same
/// precedence: the flag `--<name>`, the environment variable, then the JSON config file's key
/// `<name>`. The service validates the text itself and reports a ``ConfigurationError`` naming
/// ``name``.
public struct ServiceSetting: Sendable, Hashable {
    /// The flag, config file key and error name, such as `bootstrap-operator`.
    public var name: String
    /// The environment variable, such as `VOUCHERD_BOOTSTRAP_OPERATOR`.
    public var environmentVariable: String

    /// Creates a setting.
    /// - Parameters:
    ///   - name: the key as spelled on the command line, without `--`.
    ///   - environmentVariable: the environment variable; default `VOUCHERD_` plus the name in
    ///     upper case with `-` as `_`.
    public init(_ name: String, environmentVariable: String? = nil) {
        self.name = name
        self.environmentVariable =
            environmentVariable ?? "VOUCHERD_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
