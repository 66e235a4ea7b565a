public import GRPCCore

/// The default resolver: no call has a certificate identity, so checkout methods refuse
/// everyone until the executable provides a real resolver.
public struct NoCallerIdentity: CallerIdentityResolver {
    /// Creates the resolver.
    public init() {}

    /// Always nil.
    public func serviceIdentity(of context: ServerContext) -> String? { nil }
}
