import Foundation
import Testing
import VoucherdPKI

@Suite("Invalid input")
struct PKIErrorTests {
    @Test("an empty common name is rejected", arguments: ["", "   "])
    func emptyCommonName(commonName: String) throws {
        #expect(throws: PKIError.emptyCommonName) {
            try CertificateAuthority.make(commonName: commonName)
        }
        let ca = try CertificateAuthority.make()
        #expect(throws: PKIError.emptyCommonName) {
            try ca.issue(CertificateRequest(commonName: commonName))
        }
    }

    @Test(
        "an IP address that does not parse is rejected",
        arguments: [
            "", "localhost", "256.0.0.1", "127.1", "1.2.3", "1.2.3.4.5", "::g", "1::2::3", "fe80::1%eth0", " 127.0.0.1",
            "127.0.0.1\u{0}x",
        ]
    )
    func invalidIPAddress(address: String) throws {
        let ca = try CertificateAuthority.make()
        let error = #expect(throws: PKIError.self) {
            try ca.issue(CertificateRequest(commonName: "svc", ipAddresses: ["10.0.0.1", address]))
        }
        #expect(error == .invalidIPAddress(address))
        #expect(error?.description.contains("\"\(address)\"") == true)
    }

    @Test("empty or whitespace-containing DNS names and URIs are rejected")
    func invalidAlternativeName() throws {
        let ca = try CertificateAuthority.make()
        #expect(throws: PKIError.invalidSubjectAlternativeName("")) {
            try ca.issue(CertificateRequest(commonName: "svc", dnsNames: [""]))
        }
        #expect(throws: PKIError.invalidSubjectAlternativeName("spiffe://voucherd/a b")) {
            try ca.issue(CertificateRequest(commonName: "svc", uris: ["spiffe://voucherd/a b"]))
        }
    }

    @Test("a validity period that ends at or before it starts is rejected", arguments: [-1.0, 0.0])
    func invalidValidity(length: TimeInterval) throws {
        let ca = try CertificateAuthority.make()
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        let end = start.addingTimeInterval(length)
        let error = #expect(throws: PKIError.self) {
            try ca.issue(CertificateRequest(commonName: "svc", notValidBefore: start, notValidAfter: end))
        }
        #expect(error == .invalidValidityPeriod(notValidBefore: start, notValidAfter: end))
        #expect(error?.description.contains("notValidAfter") == true)
    }

    @Test("an explicit end before the default start is rejected")
    func endBeforeDefaultStart() throws {
        let ca = try CertificateAuthority.make()
        let now = Date()
        #expect(throws: PKIError.invalidValidityPeriod(notValidBefore: now - 300, notValidAfter: now - 600)) {
            try ca.issue(CertificateRequest(commonName: "svc", notValidAfter: now - 600), now: now)
        }
    }

    @Test("a CA must be valid for a positive duration", arguments: [0.0, -60.0])
    func invalidCAValidity(validFor: TimeInterval) {
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        #expect(throws: PKIError.invalidValidityPeriod(notValidBefore: now, notValidAfter: now + validFor)) {
            try CertificateAuthority.make(validFor: validFor, now: now)
        }
    }

    @Test("loading a CA with another CA's key is rejected")
    func mismatchedKey() throws {
        let ca = try CertificateAuthority.make()
        let other = try CertificateAuthority.make()
        #expect(throws: PKIError.keyDoesNotMatchCertificate) {
            try CertificateAuthority(
                certificatePEM: ca.identity.certificatePEM,
                privateKeyPEM: other.identity.privateKeyPEM
            )
        }
    }

    @Test("loading a leaf certificate as a CA is rejected")
    func leafAsCA() throws {
        let leaf = try CertificateAuthority.make().issue(CertificateRequest(commonName: "svc"))
        #expect(throws: PKIError.notACertificateAuthority) {
            try CertificateAuthority(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        }
    }

    @Test("unparseable PEM is rejected, naming which document was bad")
    func malformedPEM() throws {
        let ca = try CertificateAuthority.make()
        let badCertificate = #expect(throws: PKIError.self) {
            try CertificateAuthority(certificatePEM: "not a certificate", privateKeyPEM: ca.identity.privateKeyPEM)
        }
        guard case .malformedPEM(item: "certificate", _) = badCertificate else {
            Issue.record("expected malformedPEM for the certificate, got \(String(describing: badCertificate))")
            return
        }
        let badKey = #expect(throws: PKIError.self) {
            try PKIIdentity(certificatePEM: ca.identity.certificatePEM, privateKeyPEM: ca.identity.certificatePEM)
        }
        guard case .malformedPEM(item: "private key", _) = badKey else {
            Issue.record("expected malformedPEM for the private key, got \(String(describing: badKey))")
            return
        }
        #expect(badKey?.description.hasPrefix("The private key PEM could not be parsed") == true)
    }
}
