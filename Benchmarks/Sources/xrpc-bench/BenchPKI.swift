import VoucherdPKI
import XRPC

/// Certificates made at start-up, in memory: one CA, a server certificate (localhost,
/// 127.0.0.1) and a client certificate. Every TLS row uses these, with mutual TLS, so the
/// rows differ in protocol only.
struct BenchPKI: Sendable {
    let caPEM: String
    let server: PKIIdentity
    let client: PKIIdentity

    static func make() throws -> BenchPKI {
        let ca = try CertificateAuthority.make(commonName: "xrpc-bench CA")
        let server = try ca.issue(CertificateRequest(
            commonName: "bench-server", dnsNames: ["localhost"], uris: ["spiffe://voucherd/bench-server"],
            ipAddresses: ["127.0.0.1"], usage: .serverAndClient))
        let client = try ca.issue(CertificateRequest(
            commonName: "bench-client", uris: ["spiffe://voucherd/bench-client"], usage: .client))
        return BenchPKI(caPEM: ca.identity.certificatePEM, server: server, client: client)
    }

    var xrpcServerTLS: XRPCServerTLS {
        XRPCServerTLS(
            certificateChain: .pem(server.certificatePEM), privateKey: .pem(server.privateKeyPEM),
            trustRoots: .pem(caPEM))
    }

    var xrpcClientTLS: XRPCClientTLS {
        XRPCClientTLS(
            certificateChain: .pem(client.certificatePEM), privateKey: .pem(client.privateKeyPEM),
            trustRoots: .pem(caPEM), serverHostname: "localhost")
    }
}
