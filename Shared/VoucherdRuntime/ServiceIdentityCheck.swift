public import GRPCCore
public import XRPC

/// Restricts a method to calls from particular services, identified by their mTLS certificate.
///
/// The identity is ``XRPCPeer/identity``: the first URI SAN (for example
/// `spiffe://voucherd/issuance`), else the first DNS SAN, else the common name.
public struct ServiceIdentityCheck: Sendable, Hashable {
    /// The identities allowed through.
    public var allowedIdentities: Set<String>

    /// Creates a check.
    /// - Parameter allowedIdentities: the peer identities allowed through.
    public init(allowing allowedIdentities: Set<String>) {
        self.allowedIdentities = allowedIdentities
    }

    /// Checks the calling peer of a server call.
    /// - Parameter context: the call's server context.
    /// - Returns: the allowed identity.
    /// - Throws: `RPCError` with code `.permissionDenied` naming the identity seen.
    @discardableResult
    public func check(_ context: ServerContext) throws(RPCError) -> String {
        try self.check(peer: context.xrpc?.peer)
    }

    /// Checks a peer.
    /// - Parameter peer: the calling peer, or nil when the call did not arrive over XRPC.
    /// - Returns: the allowed identity.
    /// - Throws: `RPCError` with code `.permissionDenied` naming the identity seen.
    @discardableResult
    public func check(peer: XRPCPeer?) throws(RPCError) -> String {
        guard let peer else {
            throw RPCError(
                code: .permissionDenied,
                message: "This method is for services only; the call has no TLS peer."
            )
        }
        guard let identity = peer.identity else {
            throw RPCError(
                code: .permissionDenied,
                message: "This method is for services only; the peer certificate names no identity."
            )
        }
        guard self.allowedIdentities.contains(identity) else {
            throw RPCError(
                code: .permissionDenied,
                message: "This method is for services only; peer identity '\(identity)' is not allowed."
            )
        }
        return identity
    }
}
