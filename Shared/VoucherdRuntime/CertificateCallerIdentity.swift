public import GRPCCore
import XRPC

/// Names the calling service by the certificate of its XRPC connection: ``XRPC/XRPCPeer/identity``,
/// the first URI SAN (such as `spiffe://voucherd/service/issuance`), else the first DNS SAN, else
/// the common name; nil for a call that did not arrive over XRPC.
///
/// Why a protocol with a default implementation rather than a type: each service library
/// declares its own caller-identity protocol, because the libraries do not depend on XRPC (their
/// tests run them in process). An executable declares one empty type conforming to both, and so
/// resolves callers the way ``ServiceIdentityCheck`` does, in one place.
public protocol CertificateCallerIdentity: Sendable {}

extension CertificateCallerIdentity {
    /// The calling service's certificate identity, or nil when the call carries none.
    /// - Parameter context: the call's server context.
    public func serviceIdentity(of context: ServerContext) -> String? {
        context.xrpc?.peer.identity
    }
}
