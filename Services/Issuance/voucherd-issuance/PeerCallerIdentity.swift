import IssuanceService
import VoucherdRuntime

/// Who is calling, by the certificate of the XRPC connection (``CertificateCallerIdentity``):
/// the checkout methods admit only the configured callers.
struct PeerCallerIdentity: CallerIdentityResolver, CertificateCallerIdentity {}
