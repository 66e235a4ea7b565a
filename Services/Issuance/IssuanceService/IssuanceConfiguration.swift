/// The issuance service's policies; each field documents its default.
public struct IssuanceConfiguration: Sendable, Hashable {
    /// Creates the default configuration.
    public init() {}
}
