import VoucherdPKI
import X509

/// Runs swift-certificates' RFC 5280 chain validation, at the current time, with `root` as
/// the only trust anchor; returns whether `leaf` chains to it.
func verifies(_ leaf: Certificate, against root: Certificate) async -> Bool {
    var verifier = Verifier(rootCertificates: CertificateStore([root])) {
        RFC5280Policy()
    }
    let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore())
    switch result {
    case .validCertificate(let chain):
        return chain.first == leaf && chain.last == root
    case .couldNotValidate:
        return false
    }
}

/// The subject alternative names as text ("DNSName(...)", "IPAddress([127, 0, 0, 1])"),
/// so tests can compare them without importing SwiftASN1 for the octet strings.
func alternativeNames(of certificate: Certificate) throws -> [String] {
    let names = try certificate.extensions.subjectAlternativeNames
    return names.map { $0.map(String.init(describing:)) } ?? []
}
