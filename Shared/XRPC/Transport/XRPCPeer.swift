public import GRPCCore
public import X509
import SwiftASN1

/// Who is on the other end of a connection, as its TLS certificate says.
///
/// Services authorize service-to-service calls on these names: mTLS proves which service is
/// calling. Handlers and interceptors reach it through `ServerContext.xrpc?.peer`.
public struct XRPCPeer: Sendable, Hashable {
    /// The peer's leaf certificate, if it presented one.
    public var certificate: Certificate?
    /// DNS names from the certificate's subjectAltName.
    public var dnsNames: [String]
    /// URIs from the certificate's subjectAltName, for example `spiffe://voucherd/issuance`.
    public var uris: [String]
    /// IP addresses from the certificate's subjectAltName, printed.
    public var ipAddresses: [String]
    /// The subject's common name, if any.
    public var commonName: String?

    /// A peer that presented no certificate.
    public static let anonymous = XRPCPeer(certificate: nil)

    /// Reads the names out of a certificate.
    /// - Parameter certificate: the peer's leaf certificate, or nil.
    public init(certificate: Certificate?) {
        self.certificate = certificate
        var dnsNames: [String] = []
        var uris: [String] = []
        var ipAddresses: [String] = []
        if let certificate, let names = try? certificate.extensions.subjectAlternativeNames {
            for name in names {
                switch name {
                case .dnsName(let dns): dnsNames.append(dns)
                case .uniformResourceIdentifier(let uri): uris.append(uri)
                case .ipAddress(let octets): ipAddresses.append(Self.format(ip: Array(octets.bytes)))
                default: break
                }
            }
        }
        self.dnsNames = dnsNames
        self.uris = uris
        self.ipAddresses = ipAddresses
        self.commonName = certificate?.subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }
            .map { String(describing: $0.value) }
    }

    /// The first identity name: a URI SAN if present, else a DNS SAN, else the common name.
    public var identity: String? {
        self.uris.first ?? self.dnsNames.first ?? self.commonName
    }

    private static func format(ip bytes: [UInt8]) -> String {
        if bytes.count == 4 {
            return bytes.map(String.init).joined(separator: ".")
        }
        var groups: [String] = []
        var index = 0
        while index + 1 < bytes.count {
            groups.append(String(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), radix: 16))
            index += 2
        }
        return groups.joined(separator: ":")
    }
}

/// What the XRPC server transport attaches to each call's `ServerContext.transportSpecific`.
public struct XRPCServerCallContext: ServerContext.TransportSpecific, Hashable {
    /// The TLS identity of the calling peer.
    public var peer: XRPCPeer
    /// When the call must be finished by, if the client set a deadline.
    public var deadline: ContinuousClock.Instant?
    /// The call's stream id on its connection, for logs.
    public var streamID: UInt32
}

extension ServerContext {
    /// The XRPC-specific context of this call, if it arrived over XRPC.
    public var xrpc: XRPCServerCallContext? {
        self.transportSpecific as? XRPCServerCallContext
    }
}
