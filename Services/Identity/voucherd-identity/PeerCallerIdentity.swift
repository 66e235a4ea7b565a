import GRPCCore
import IdentityService
import XRPC

/// Who is calling, by the certificate of the XRPC connection (its first URI SAN, such as
/// `spiffe://voucherd/service/issuance`): ReadOutbox admits only the configured outbox readers.
struct PeerCallerIdentity: CallerIdentityResolver {
    func serviceIdentity(of context: ServerContext) -> String? {
        context.xrpc?.peer.identity
    }
}
