/// Member tier rules and the currency spend is counted in.
public struct MemberPolicy: Sendable, Hashable {
    /// Creates the default policy.
    public init() {}
}
