import Crypto
public import Foundation
import SwiftASN1
import X509

/// A local certificate authority that signs TLS certificates for voucherd services and tests.
///
/// Keys are ECDSA P-256 and signatures ECDSA with SHA-256, because that is the cheapest
/// combination for TLS 1.3 handshakes under BoringSSL while still being universally accepted.
public struct CertificateAuthority: Sendable {
    /// The CA's own self-signed certificate and private key; the certificate is the trust root.
    public let identity: PKIIdentity

    /// Embedded in every issued certificate's AuthorityKeyIdentifier so that verifiers can pick
    /// the right issuer when several CAs share a name.
    private let keyIdentifier: ArraySlice<UInt8>

    /// How long before `now` certificates start being valid, so that peers whose clocks lag a
    /// little behind the issuer still accept a certificate issued moments ago.
    static let clockSkewAllowance: TimeInterval = 5 * 60

    /// Creates a new CA with a fresh P-256 key and a self-signed certificate.
    ///
    /// - Parameters:
    ///   - commonName: The CA's subject common name.
    ///   - validFor: How long the CA certificate is valid from `now`; defaults to ten years,
    ///     because replacing a local CA means redistributing it to every service.
    ///   - now: The issuance time; tests pass a fixed date.
    /// - Returns: The new CA.
    /// - Throws: `PKIError.emptyCommonName`, or `PKIError.invalidValidityPeriod` if `validFor`
    ///   is not positive; encoding errors from swift-certificates pass through unchanged.
    public static func make(
        commonName: String = "Voucherd Local CA",
        validFor: TimeInterval = 10 * 365 * 24 * 60 * 60,
        now: Date = Date()
    ) throws -> CertificateAuthority {
        guard !commonName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw PKIError.emptyCommonName
        }
        guard validFor > 0 else {
            throw PKIError.invalidValidityPeriod(notValidBefore: now, notValidAfter: now.addingTimeInterval(validFor))
        }
        let privateKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName { CommonName(commonName) }
        let keyIdentifier = SubjectKeyIdentifier(hash: privateKey.publicKey)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            keyIdentifier
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: makeSerialNumber(),
            publicKey: privateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-clockSkewAllowance),
            notValidAfter: now.addingTimeInterval(validFor),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: privateKey
        )
        return CertificateAuthority(
            identity: try PKIIdentity(certificate: certificate, privateKey: privateKey),
            keyIdentifier: keyIdentifier.keyIdentifier
        )
    }

    /// Loads a CA written earlier, so that a CLI can add certificates to an existing CA.
    ///
    /// - Parameters:
    ///   - certificatePEM: The CA certificate, PEM-encoded.
    ///   - privateKeyPEM: The CA private key, PEM-encoded.
    /// - Throws: `PKIError.malformedPEM`, `PKIError.keyDoesNotMatchCertificate`,
    ///   `PKIError.notACertificateAuthority`, or `PKIError.unsupportedKeyType` if the key is
    ///   not P-256.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        let identity = try PKIIdentity(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM)
        let certificate = identity.certificate
        guard P256.Signing.PublicKey(certificate.publicKey) != nil else {
            throw PKIError.unsupportedKeyType
        }
        let basicConstraints: BasicConstraints?
        let subjectKeyIdentifier: SubjectKeyIdentifier?
        do {
            basicConstraints = try certificate.extensions.basicConstraints
            subjectKeyIdentifier = try certificate.extensions.subjectKeyIdentifier
        } catch {
            throw PKIError.malformedPEM(item: "certificate", reason: String(describing: error))
        }
        guard case .isCertificateAuthority = basicConstraints else {
            throw PKIError.notACertificateAuthority
        }
        // A CA made elsewhere may lack the extension; RFC 5280's SHA-1 method is what most
        // tools use, so it is the likeliest to match what such a CA would have chosen.
        let keyIdentifier = subjectKeyIdentifier ?? SubjectKeyIdentifier(hash: certificate.publicKey)
        self.init(identity: identity, keyIdentifier: keyIdentifier.keyIdentifier)
    }

    private init(identity: PKIIdentity, keyIdentifier: ArraySlice<UInt8>) {
        self.identity = identity
        self.keyIdentifier = keyIdentifier
    }

    /// Issues a leaf certificate with a fresh P-256 key, signed by this CA.
    ///
    /// - Parameters:
    ///   - request: The subject, names, usage and validity to certify.
    ///   - now: The issuance time that default validity dates are computed from.
    /// - Returns: The new certificate and its private key.
    /// - Throws: `PKIError.emptyCommonName`, `PKIError.invalidIPAddress`,
    ///   `PKIError.invalidSubjectAlternativeName`, or `PKIError.invalidValidityPeriod`;
    ///   encoding errors from swift-certificates pass through unchanged.
    public func issue(_ request: CertificateRequest, now: Date = Date()) throws -> PKIIdentity {
        guard !request.commonName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw PKIError.emptyCommonName
        }
        let alternativeNames = try Self.alternativeNames(for: request)
        let notValidBefore = request.notValidBefore ?? now.addingTimeInterval(-Self.clockSkewAllowance)
        // A default that outlived the CA would produce a certificate no verifier accepts for
        // its last stretch, so the default stops where the CA does.
        let notValidAfter =
            request.notValidAfter
            ?? min(now.addingTimeInterval(825 * 24 * 60 * 60), identity.certificate.notValidAfter)
        guard notValidAfter > notValidBefore else {
            throw PKIError.invalidValidityPeriod(notValidBefore: notValidBefore, notValidAfter: notValidAfter)
        }

        let privateKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let extendedKeyUsage: [ExtendedKeyUsage.Usage] =
            switch request.usage {
            case .server: [.serverAuth]
            case .client: [.clientAuth]
            case .serverAndClient: [.serverAuth, .clientAuth]
            }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage(extendedKeyUsage)
            SubjectKeyIdentifier(hash: privateKey.publicKey)
            AuthorityKeyIdentifier(keyIdentifier: keyIdentifier)
            // An empty SubjectAlternativeNames extension is invalid DER, so omit it instead.
            if !alternativeNames.isEmpty {
                SubjectAlternativeNames(alternativeNames)
            }
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Self.makeSerialNumber(),
            publicKey: privateKey.publicKey,
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: identity.certificate.subject,
            subject: try DistinguishedName { CommonName(request.commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: identity.privateKey
        )
        return try PKIIdentity(certificate: certificate, privateKey: privateKey)
    }

    private static func alternativeNames(for request: CertificateRequest) throws -> [GeneralName] {
        func checked(_ name: String) throws -> String {
            guard !name.isEmpty, !name.contains(where: \.isWhitespace) else {
                throw PKIError.invalidSubjectAlternativeName(name)
            }
            return name
        }
        var names: [GeneralName] = []
        for dnsName in request.dnsNames {
            names.append(.dnsName(try checked(dnsName)))
        }
        for uri in request.uris {
            names.append(.uniformResourceIdentifier(try checked(uri)))
        }
        for address in request.ipAddresses {
            guard let bytes = IPAddress.bytes(address) else {
                throw PKIError.invalidIPAddress(address)
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        return names
    }

    /// Returns exactly 20 random bytes with the top bit clear.
    ///
    /// `Certificate.SerialNumber()` can yield a 21-byte DER integer when its first random byte
    /// has the top bit set, which RFC 5280 forbids; setting bit 6 keeps the length at exactly 20.
    private static func makeSerialNumber() -> Certificate.SerialNumber {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        bytes[0] = (bytes[0] & 0x7F) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }
}
