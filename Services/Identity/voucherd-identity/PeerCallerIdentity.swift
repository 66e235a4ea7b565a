import IdentityService
import VoucherdRuntime

/// Who is calling, by the certificate of the XRPC connection (``CertificateCallerIdentity``):
/// ReadOutbox admits only the configured outbox readers.
struct PeerCallerIdentity: CallerIdentityResolver, CertificateCallerIdentity {}
