public import GRPCCore

/// Tells which service is calling, from its mTLS certificate, without this library knowing the
/// transport: the executable implements it with XRPC's peer identity (the certificate's first
/// URI SAN, such as `spiffe://voucherd/service/redemption`); tests substitute their own.
public protocol CallerIdentityResolver: Sendable {
    /// The calling service's certificate identity, or nil when the call carries none.
    func serviceIdentity(of context: ServerContext) -> String?
}
