public import XRPC
import Foundation
import VoucherdPKI

/// Certificates made at test time: a CA, a server and client certificate it issued, an expired
/// client certificate, and a client certificate from a different CA.
public struct TestPKI: Sendable {
    /// The CA's certificate, PEM.
    public let caPEM: String
    /// Server: SANs `localhost`, 127.0.0.1 and `spiffe://voucherd/test-server`.
    public let server: (certificate: String, key: String)
    /// Client: SAN `spiffe://voucherd/test-client`.
    public let client: (certificate: String, key: String)
    /// A client certificate that expired yesterday.
    public let expiredClient: (certificate: String, key: String)
    /// A client certificate from an unrelated CA.
    public let foreignClient: (certificate: String, key: String)
    /// The unrelated CA's certificate, PEM.
    public let foreignCAPEM: String

    /// Makes a fresh set. Each takes a few milliseconds (P-256 keys).
    public static func make() throws -> TestPKI {
        let ca = try CertificateAuthority.make(commonName: "Voucherd Test CA")
        let foreignCA = try CertificateAuthority.make(commonName: "Somebody Else's CA")
        let server = try ca.issue(CertificateRequest(
            commonName: "test-server",
            dnsNames: ["localhost"],
            uris: ["spiffe://voucherd/test-server"],
            ipAddresses: ["127.0.0.1"],
            usage: .serverAndClient
        ))
        let client = try ca.issue(CertificateRequest(commonName: "test-client", uris: ["spiffe://voucherd/test-client"], usage: .client))
        let expired = try ca.issue(CertificateRequest(
            commonName: "expired-client",
            uris: ["spiffe://voucherd/expired-client"],
            usage: .client,
            notValidBefore: Date().addingTimeInterval(-10 * 86_400),
            notValidAfter: Date().addingTimeInterval(-86_400)
        ))
        let foreign = try foreignCA.issue(CertificateRequest(commonName: "foreign-client", uris: ["spiffe://elsewhere/client"], usage: .client))
        return TestPKI(
            caPEM: ca.identity.certificatePEM,
            server: (server.certificatePEM, server.privateKeyPEM),
            client: (client.certificatePEM, client.privateKeyPEM),
            expiredClient: (expired.certificatePEM, expired.privateKeyPEM),
            foreignClient: (foreign.certificatePEM, foreign.privateKeyPEM),
            foreignCAPEM: foreignCA.identity.certificatePEM
        )
    }

    /// The server's TLS: mTLS against this CA.
    public var serverTLS: XRPCServerTLS {
        XRPCServerTLS(certificateChain: .pem(self.server.certificate), privateKey: .pem(self.server.key), trustRoots: .pem(self.caPEM))
    }

    /// A client's TLS with the given identity (default: the good client certificate).
    public func clientTLS(identity: (certificate: String, key: String)? = nil, trusting ca: String? = nil) -> XRPCClientTLS {
        let identity = identity ?? self.client
        return XRPCClientTLS(
            certificateChain: .pem(identity.certificate),
            privateKey: .pem(identity.key),
            trustRoots: .pem(ca ?? self.caPEM),
            serverHostname: "localhost"
        )
    }

    /// A client's TLS without any client certificate.
    public var anonymousClientTLS: XRPCClientTLS {
        XRPCClientTLS(certificateChain: nil, privateKey: nil, trustRoots: .pem(self.caPEM), serverHostname: "localhost")
    }
}
