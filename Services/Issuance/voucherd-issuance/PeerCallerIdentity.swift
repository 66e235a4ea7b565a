import GRPCCore
import IssuanceService
import XRPC

/// Who is calling, by the certificate of the XRPC connection (its first URI SAN, such as
/// `spiffe://voucherd/service/redemption`): the checkout methods admit only the configured callers.
struct PeerCallerIdentity: CallerIdentityResolver {
    func serviceIdentity(of context: ServerContext) -> String? {
        context.xrpc?.peer.identity
    }
}
