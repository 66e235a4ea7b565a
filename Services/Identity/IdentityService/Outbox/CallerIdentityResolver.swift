public import GRPCCore

/// Tells which service is calling, from its mTLS certificate, without this library knowing the
/// transport: the executable implements it with XRPC's peer identity (the certificate's first
/// URI SAN, such as `spiffe://voucherd/service/issuance`); tests substitute their own.
///
/// A token says which principal a call acts for, but any service account's token could be
/// presented from anywhere; the certificate proves which deployed service holds the connection.
/// ReadOutbox needs both (see ``IdentityConfiguration/outboxReaders``).
public protocol CallerIdentityResolver: Sendable {
    /// The calling service's certificate identity, or nil when the call carries none.
    func serviceIdentity(of context: ServerContext) -> String?
}

/// The default resolver: no call has a certificate identity, so ReadOutbox refuses everyone
/// until the executable provides a real resolver (failing closed).
public struct NoCallerIdentity: CallerIdentityResolver {
    /// Creates the resolver.
    public init() {}

    /// Always nil.
    public func serviceIdentity(of context: ServerContext) -> String? { nil }
}
