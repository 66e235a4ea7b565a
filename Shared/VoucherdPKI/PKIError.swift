public import Foundation

/// A reason the local certificate authority refused to load, issue or write a certificate.
///
/// Every case carries the offending value so that an operator reading the message from a CLI
/// can fix the input without having to rerun under a debugger.
public enum PKIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A certificate's common name was empty or only whitespace.
    case emptyCommonName
    /// An IP address for a subject alternative name was not a valid IPv4 or IPv6 literal.
    case invalidIPAddress(String)
    /// A DNS name or URI for a subject alternative name was empty or contained whitespace.
    case invalidSubjectAlternativeName(String)
    /// A validity period ended at or before it began.
    case invalidValidityPeriod(notValidBefore: Date, notValidAfter: Date)
    /// A PEM document could not be parsed; `item` says which one, `reason` why.
    case malformedPEM(item: String, reason: String)
    /// A private key does not belong to the certificate it was loaded with.
    case keyDoesNotMatchCertificate
    /// A certificate loaded as a CA lacks the CA basic constraint, so it may not sign others.
    case notACertificateAuthority
    /// A key is not ECDSA P-256, which is the only kind this CA issues and signs with.
    case unsupportedKeyType
    /// A file name for `PKIIdentity.write(to:name:)` was empty or not a plain file name.
    case invalidFileName(String)
    /// A certificate or key file could not be written.
    case writeFailed(path: String, reason: String)

    /// A one-line explanation naming the value that was wrong.
    public var description: String {
        switch self {
        case .emptyCommonName:
            return "The certificate's common name is empty."
        case .invalidIPAddress(let address):
            return "\"\(address)\" is not a valid IPv4 or IPv6 address."
        case .invalidSubjectAlternativeName(let name):
            return "\"\(name)\" is not a valid DNS name or URI: it is empty or contains whitespace."
        case .invalidValidityPeriod(let notValidBefore, let notValidAfter):
            return "The validity period is empty: notValidAfter (\(Self.format(notValidAfter))) "
                + "is not after notValidBefore (\(Self.format(notValidBefore)))."
        case .malformedPEM(let item, let reason):
            return "The \(item) PEM could not be parsed: \(reason)"
        case .keyDoesNotMatchCertificate:
            return "The private key does not match the certificate's public key."
        case .notACertificateAuthority:
            return "The certificate is not a certificate authority (BasicConstraints CA is not set)."
        case .unsupportedKeyType:
            return "The key is not an ECDSA P-256 key."
        case .invalidFileName(let name):
            return "\"\(name)\" is not a valid file name: it must be non-empty and contain no '/'."
        case .writeFailed(let path, let reason):
            return "Could not write \(path): \(reason)"
        }
    }

    private static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
