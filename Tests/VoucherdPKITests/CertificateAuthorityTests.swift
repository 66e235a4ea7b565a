import Foundation
import Testing
import VoucherdPKI
import X509

@Suite("CertificateAuthority")
struct CertificateAuthorityTests {
    @Test("the CA certificate is a self-signed P-256 CA")
    func caCertificate() throws {
        let ca = try CertificateAuthority.make(commonName: "Test CA")
        let certificate = ca.identity.certificate

        #expect(certificate.subject == certificate.issuer)
        #expect(certificate.subject.description == "CN=Test CA")
        #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
        #expect(certificate.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        let keyUsage = try #require(try certificate.extensions.keyUsage)
        #expect(keyUsage.keyCertSign && keyUsage.cRLSign)
        #expect(!keyUsage.digitalSignature)
        #expect(try certificate.extensions.subjectKeyIdentifier != nil)
        #expect(ca.identity.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(ca.identity.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test("the CA's validity starts five minutes early and lasts validFor")
    func caValidity() throws {
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        let ca = try CertificateAuthority.make(validFor: 3600, now: now)
        #expect(ca.identity.certificate.notValidBefore == now.addingTimeInterval(-300))
        #expect(ca.identity.certificate.notValidAfter == now.addingTimeInterval(3600))
    }

    @Test("a leaf has the names, usages and validity asked for")
    func leafContents() throws {
        let ca = try CertificateAuthority.make()
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        let request = CertificateRequest(
            commonName: "issuance",
            dnsNames: ["localhost", "issuance.voucherd.internal"],
            uris: ["spiffe://voucherd/issuance"],
            ipAddresses: ["127.0.0.1", "::1", "2001:db8::ff00:42:8329"],
            usage: .server
        )
        let leaf = try ca.issue(request, now: now).certificate

        #expect(leaf.subject.description == "CN=issuance")
        #expect(leaf.issuer == ca.identity.certificate.subject)
        #expect(leaf.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(leaf.notValidBefore == now.addingTimeInterval(-300))
        #expect(leaf.notValidAfter == now.addingTimeInterval(825 * 86_400))
        #expect(
            try alternativeNames(of: leaf) == [
                #"DNSName("localhost")"#,
                #"DNSName("issuance.voucherd.internal")"#,
                #"URI("spiffe://voucherd/issuance")"#,
                "IPAddress([127, 0, 0, 1])",
                "IPAddress([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])",
                "IPAddress([32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 255, 0, 0, 66, 131, 41])",
            ]
        )
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        let keyUsage = try #require(try leaf.extensions.keyUsage)
        #expect(keyUsage.digitalSignature)
        #expect(!keyUsage.keyCertSign)
        #expect(try leaf.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth]))

        let caKeyID = try #require(try ca.identity.certificate.extensions.subjectKeyIdentifier).keyIdentifier
        let authorityKeyID = try #require(try leaf.extensions.authorityKeyIdentifier).keyIdentifier
        #expect(authorityKeyID == caKeyID)
    }

    @Test(
        "the usage selects the extended key usages",
        arguments: [
            (CertificateRequest.Usage.server, [ExtendedKeyUsage.Usage.serverAuth]),
            (.client, [.clientAuth]),
            (.serverAndClient, [.serverAuth, .clientAuth]),
        ]
    )
    func extendedKeyUsage(usage: CertificateRequest.Usage, expected: [ExtendedKeyUsage.Usage]) throws {
        let ca = try CertificateAuthority.make()
        let leaf = try ca.issue(CertificateRequest(commonName: "svc", usage: usage)).certificate
        #expect(try leaf.extensions.extendedKeyUsage == ExtendedKeyUsage(expected))
    }

    @Test("a leaf without names has no SubjectAlternativeNames extension")
    func noAlternativeNames() throws {
        let ca = try CertificateAuthority.make()
        let leaf = try ca.issue(CertificateRequest(commonName: "client", usage: .client)).certificate
        #expect(leaf.extensions[oid: .X509ExtensionID.subjectAlternativeName] == nil)
    }

    @Test("serial numbers are 20 random bytes and positive")
    func serialNumbers() throws {
        let ca = try CertificateAuthority.make()
        var serials: Set<[UInt8]> = [Array(ca.identity.certificate.serialNumber.bytes)]
        for _ in 0..<20 {
            let bytes = Array(try ca.issue(CertificateRequest(commonName: "svc")).certificate.serialNumber.bytes)
            #expect(bytes.count == 20)
            #expect(bytes[0] & 0x80 == 0)
            serials.insert(bytes)
        }
        #expect(serials.count == 21)
    }

    @Test("the default leaf validity stops at the CA's expiry")
    func defaultValidityCappedByCA() throws {
        let now = Date()
        let ca = try CertificateAuthority.make(validFor: 86_400, now: now)
        let leaf = try ca.issue(CertificateRequest(commonName: "svc"), now: now).certificate
        #expect(leaf.notValidAfter == ca.identity.certificate.notValidAfter)
    }

    @Test("explicit validity dates are used as given")
    func explicitValidity() throws {
        let ca = try CertificateAuthority.make()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let end = Date(timeIntervalSince1970: 1_800_000_000)
        let leaf = try ca.issue(CertificateRequest(commonName: "svc", notValidBefore: start, notValidAfter: end))
        #expect(leaf.certificate.notValidBefore == start)
        #expect(leaf.certificate.notValidAfter == end)
    }
}
