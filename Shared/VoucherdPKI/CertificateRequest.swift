public import Foundation

/// What a leaf certificate should say: who it names, where it may be used, and for how long.
///
/// A request is plain data; nothing is checked until `CertificateAuthority.issue(_:now:)`, so
/// callers can build one up field by field and get every validation error from a single place.
public struct CertificateRequest: Sendable, Hashable {
    /// Which side of a TLS connection a certificate may authenticate.
    public enum Usage: Sendable, Hashable {
        /// TLS server authentication only (ExtendedKeyUsage serverAuth).
        case server
        /// TLS client authentication only (ExtendedKeyUsage clientAuth).
        case client
        /// Both, for a service that accepts connections and also calls other services.
        case serverAndClient
    }

    /// The subject common name; must not be empty.
    public var commonName: String
    /// DNS names for the subject alternative names, e.g. "localhost".
    public var dnsNames: [String]
    /// URIs for the subject alternative names, e.g. "spiffe://voucherd/issuance".
    public var uris: [String]
    /// IPv4 or IPv6 literals for the subject alternative names, e.g. "127.0.0.1" or "::1".
    public var ipAddresses: [String]
    /// Which TLS roles the certificate may be used for.
    public var usage: Usage
    /// Start of validity; nil means five minutes before issuance.
    public var notValidBefore: Date?
    /// End of validity; nil means 825 days after issuance, capped at the CA's own expiry.
    public var notValidAfter: Date?

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - commonName: The subject common name; must not be empty.
    ///   - dnsNames: DNS subject alternative names.
    ///   - uris: URI subject alternative names.
    ///   - ipAddresses: IPv4 or IPv6 literal subject alternative names.
    ///   - usage: The TLS roles the certificate may authenticate.
    ///   - notValidBefore: Start of validity; nil means five minutes before issuance, so that
    ///     peers whose clocks run slightly behind still accept a freshly issued certificate.
    ///   - notValidAfter: End of validity; nil means 825 days after issuance (the longest
    ///     lifetime Apple platforms accept for TLS server certificates). A date in the past
    ///     yields an expired certificate, which tests use deliberately.
    public init(
        commonName: String,
        dnsNames: [String] = [],
        uris: [String] = [],
        ipAddresses: [String] = [],
        usage: Usage = .serverAndClient,
        notValidBefore: Date? = nil,
        notValidAfter: Date? = nil
    ) {
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.uris = uris
        self.ipAddresses = ipAddresses
        self.usage = usage
        self.notValidBefore = notValidBefore
        self.notValidAfter = notValidAfter
    }
}
