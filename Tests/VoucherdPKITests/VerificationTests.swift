import Foundation
import Testing
import VoucherdPKI
import X509

@Suite("Chain verification")
struct VerificationTests {
    @Test("a leaf issued by the CA verifies against it")
    func validLeaf() async throws {
        let ca = try CertificateAuthority.make()
        let server = try ca.issue(CertificateRequest(commonName: "server", dnsNames: ["localhost"], usage: .server))
        let client = try ca.issue(CertificateRequest(commonName: "client", usage: .client))
        #expect(await verifies(server.certificate, against: ca.identity.certificate))
        #expect(await verifies(client.certificate, against: ca.identity.certificate))
    }

    @Test("an expired leaf does not verify")
    func expiredLeaf() async throws {
        let ca = try CertificateAuthority.make()
        let now = Date()
        let expired = try ca.issue(
            CertificateRequest(
                commonName: "expired",
                usage: .client,
                notValidBefore: now.addingTimeInterval(-2 * 86_400),
                notValidAfter: now.addingTimeInterval(-86_400)
            )
        )
        #expect(expired.certificate.notValidAfter < now)
        #expect(!(await verifies(expired.certificate, against: ca.identity.certificate)))
    }

    @Test("a leaf not yet valid does not verify")
    func futureLeaf() async throws {
        let ca = try CertificateAuthority.make()
        let future = try ca.issue(
            CertificateRequest(commonName: "future", notValidBefore: Date().addingTimeInterval(86_400))
        )
        #expect(!(await verifies(future.certificate, against: ca.identity.certificate)))
    }

    @Test("a leaf from a different CA does not verify, even with the same CA name")
    func otherCA() async throws {
        let ca = try CertificateAuthority.make()
        let other = try CertificateAuthority.make()
        #expect(ca.identity.certificate.subject == other.identity.certificate.subject)
        let foreign = try other.issue(CertificateRequest(commonName: "server", usage: .server))
        #expect(await verifies(foreign.certificate, against: other.identity.certificate))
        #expect(!(await verifies(foreign.certificate, against: ca.identity.certificate)))
    }

    @Test("a CA loaded back from its PEM issues certificates that verify against the original")
    func reloadedCA() async throws {
        let ca = try CertificateAuthority.make()
        let loaded = try CertificateAuthority(
            certificatePEM: ca.identity.certificatePEM,
            privateKeyPEM: ca.identity.privateKeyPEM
        )
        #expect(loaded.identity.certificate == ca.identity.certificate)
        let leaf = try loaded.issue(CertificateRequest(commonName: "issuance", usage: .serverAndClient))
        #expect(await verifies(leaf.certificate, against: ca.identity.certificate))
        let caKeyID = try #require(try ca.identity.certificate.extensions.subjectKeyIdentifier).keyIdentifier
        #expect(try leaf.certificate.extensions.authorityKeyIdentifier?.keyIdentifier == caKeyID)
    }

    @Test("a leaf's PEM key belongs to its certificate and not to another leaf's")
    func leafKeyMatches() throws {
        let ca = try CertificateAuthority.make()
        let leaf = try ca.issue(CertificateRequest(commonName: "svc"))
        let other = try ca.issue(CertificateRequest(commonName: "svc"))
        let reloaded = try PKIIdentity(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        #expect(reloaded.certificate == leaf.certificate)
        #expect(throws: PKIError.keyDoesNotMatchCertificate) {
            try PKIIdentity(certificatePEM: leaf.certificatePEM, privateKeyPEM: other.privateKeyPEM)
        }
    }
}
