import Foundation
import X509

/// A reason `LocalClusterCertificates.write(to:services:clients:hosts:ipAddresses:reuseExistingCA:)`
/// refused its input or an existing CA, before any certificate was written.
///
/// Every case carries the offending value so that the CLI's message tells the operator what to fix.
public enum LocalClusterCertificatesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A service name was not made only of lowercase letters, digits and hyphens.
    case invalidServiceName(String)
    /// A client name was not made only of lowercase letters, digits and hyphens.
    case invalidClientName(String)
    /// A host name was not a plain DNS name (letters, digits, hyphens and dots).
    case invalidHost(String)
    /// The same name was given twice (among services and clients), so one file would overwrite another.
    case duplicateName(String)
    /// A name would write over the CA's own files ("ca").
    case reservedName(String)
    /// Only one of `ca.crt` and `ca.key` exists, so the CA can be neither reused nor safely replaced.
    case incompleteCA(present: String, missing: String)
    /// An existing CA file could not be read.
    case readFailed(path: String, reason: String)

    /// A one-line explanation naming the value that was wrong.
    public var description: String {
        switch self {
        case .invalidServiceName(let name):
            return "\"\(name)\" is not a valid service name: use only lowercase letters, digits and '-'."
        case .invalidClientName(let name):
            return "\"\(name)\" is not a valid client name: use only lowercase letters, digits and '-'."
        case .invalidHost(let host):
            return "\"\(host)\" is not a valid host name: use only letters, digits, '-' and '.'."
        case .duplicateName(let name):
            return "\"\(name)\" is given more than once; each service and client needs its own name."
        case .reservedName(let name):
            return "\"\(name)\" is reserved for the CA's own files; choose another name."
        case .incompleteCA(let present, let missing):
            return "\(present) exists but \(missing) does not; restore it, or pass a new CA request "
                + "to replace both."
        case .readFailed(let path, let reason):
            return "Could not read \(path): \(reason)"
        }
    }
}

/// The CA and the per-service and per-client certificates a local voucherd cluster runs on.
///
/// Services get certificates usable for both TLS roles, because they call each other; clients
/// get client-only certificates. Every leaf carries a SPIFFE-style URI subject alternative name
/// (`spiffe://voucherd/service/<name>` or `spiffe://voucherd/client/<name>`), which is the
/// identity the services authorize on.
public enum LocalClusterCertificates {
    /// What kind of peer a certificate identifies.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A voucherd service: server and client TLS usage.
        case service
        /// An operator tool or other client: client TLS usage only.
        case client
    }

    /// One issued leaf certificate.
    public struct Entry: Sendable, Hashable, Codable {
        /// The service or client name, e.g. "issuance".
        public var name: String
        /// Whether this is a service or a client certificate.
        public var kind: Kind
        /// The URI subject alternative name the certificate carries.
        public var identity: String
        /// The path of the PEM certificate file.
        public var certificatePath: String
        /// The path of the PEM private key file (mode 0600).
        public var privateKeyPath: String
    }

    /// The result of `write(to:services:clients:hosts:ipAddresses:reuseExistingCA:)`.
    public struct Summary: Sendable, Hashable, Codable {
        /// The directory everything was written to, as the caller gave it.
        public var directory: String
        /// The path of the CA certificate, whether reused or newly written.
        public var caCertificatePath: String
        /// Whether an existing CA was loaded instead of a new one being made.
        public var caReused: Bool
        /// The subject of the CA certificate, e.g. "CN=Voucherd Local CA".
        public var caSubject: String
        /// Every file written, in order; the CA's files only if a new CA was made.
        public var filesWritten: [String]
        /// Every issued certificate, services first, in the order given.
        public var certificates: [Entry]
    }

    /// The services a local cluster runs.
    public static let defaultServices = ["identity", "issuance", "redemption", "analytics"]
    /// The clients that talk to a local cluster.
    public static let defaultClients = ["operator", "gateway", "load"]
    /// The DNS names every service certificate carries besides `voucherd-<service>`.
    public static let defaultHosts = ["localhost"]
    /// The IP addresses every service certificate carries.
    public static let defaultIPAddresses = ["127.0.0.1", "::1"]

    /// Writes a CA and a certificate and key for every service and client into `directory`.
    ///
    /// All names are checked before anything is written, so bad input leaves the directory as it
    /// was. Existing service and client files are replaced.
    ///
    /// - Parameters:
    ///   - directory: Where to write; created if needed.
    ///   - services: Service names (`[a-z0-9-]+`); each gets `<service>.crt`/`.key` for server and
    ///     client usage, with DNS names `voucherd-<service>` and `hosts`, the `ipAddresses`, and
    ///     the URI `spiffe://voucherd/service/<service>`.
    ///   - clients: Client names (`[a-z0-9-]+`); each gets `<client>.crt`/`.key` for client usage
    ///     with the URI `spiffe://voucherd/client/<client>`.
    ///   - hosts: Extra DNS names for service certificates.
    ///   - ipAddresses: IPv4 or IPv6 literals for service certificates.
    ///   - reuseExistingCA: If true and `ca.crt` and `ca.key` exist, sign with that CA; otherwise
    ///     make a new CA and write it over any existing one.
    /// - Returns: What was written and the identity of each certificate.
    /// - Throws: `LocalClusterCertificatesError` for bad names or an unreadable or half-present CA;
    ///   `PKIError` for bad IP addresses, an invalid existing CA, or write failures.
    public static func write(
        to directory: String,
        services: [String] = defaultServices,
        clients: [String] = defaultClients,
        hosts: [String] = defaultHosts,
        ipAddresses: [String] = defaultIPAddresses,
        reuseExistingCA: Bool = true
    ) throws -> Summary {
        try validate(services: services, clients: clients, hosts: hosts, ipAddresses: ipAddresses)

        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let caCertificatePath = prefix + "ca.crt"
        let caKeyPath = prefix + "ca.key"
        var filesWritten: [String] = []

        let authority: CertificateAuthority
        let caReused: Bool
        if reuseExistingCA, let existing = try loadCA(certificatePath: caCertificatePath, keyPath: caKeyPath) {
            authority = existing
            caReused = true
        } else {
            authority = try CertificateAuthority.make()
            let paths = try authority.identity.write(to: directory, name: "ca")
            filesWritten += [paths.certificate, paths.privateKey]
            caReused = false
        }

        var entries: [Entry] = []
        for service in services {
            let identity = "spiffe://voucherd/service/\(service)"
            let request = CertificateRequest(
                commonName: "voucherd-\(service)",
                dnsNames: ["voucherd-\(service)"] + hosts,
                uris: [identity],
                ipAddresses: ipAddresses,
                usage: .serverAndClient
            )
            let paths = try authority.issue(request).write(to: directory, name: service)
            filesWritten += [paths.certificate, paths.privateKey]
            entries.append(
                Entry(
                    name: service,
                    kind: .service,
                    identity: identity,
                    certificatePath: paths.certificate,
                    privateKeyPath: paths.privateKey
                )
            )
        }
        for client in clients {
            let identity = "spiffe://voucherd/client/\(client)"
            let request = CertificateRequest(
                commonName: "voucherd-client-\(client)",
                uris: [identity],
                usage: .client
            )
            let paths = try authority.issue(request).write(to: directory, name: client)
            filesWritten += [paths.certificate, paths.privateKey]
            entries.append(
                Entry(
                    name: client,
                    kind: .client,
                    identity: identity,
                    certificatePath: paths.certificate,
                    privateKeyPath: paths.privateKey
                )
            )
        }
        return Summary(
            directory: directory,
            caCertificatePath: caCertificatePath,
            caReused: caReused,
            caSubject: authority.identity.certificate.subject.description,
            filesWritten: filesWritten,
            certificates: entries
        )
    }

    private static func validate(services: [String], clients: [String], hosts: [String], ipAddresses: [String])
        throws
    {
        var seen: Set<String> = []
        for (names, invalid) in [
            (services, LocalClusterCertificatesError.invalidServiceName),
            (clients, LocalClusterCertificatesError.invalidClientName),
        ] {
            for name in names {
                guard isValidName(name) else { throw invalid(name) }
                guard name != "ca" else { throw LocalClusterCertificatesError.reservedName(name) }
                guard seen.insert(name).inserted else { throw LocalClusterCertificatesError.duplicateName(name) }
            }
        }
        for host in hosts {
            guard isValidHost(host) else { throw LocalClusterCertificatesError.invalidHost(host) }
        }
        for address in ipAddresses {
            guard IPAddress.bytes(address) != nil else { throw PKIError.invalidIPAddress(address) }
        }
    }

    /// `[a-z0-9-]+`, checked on Unicode scalars so that lookalike letters are refused.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Dot-separated labels of letters, digits and hyphens, none empty.
    static func isValidHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63
                && label.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                }
        }
    }

    /// Returns the CA in `ca.crt`/`ca.key`, nil if neither exists, or throws if only one does.
    private static func loadCA(certificatePath: String, keyPath: String) throws -> CertificateAuthority? {
        let fileManager = FileManager.default
        let hasCertificate = fileManager.fileExists(atPath: certificatePath)
        let hasKey = fileManager.fileExists(atPath: keyPath)
        switch (hasCertificate, hasKey) {
        case (false, false):
            return nil
        case (true, false):
            throw LocalClusterCertificatesError.incompleteCA(present: certificatePath, missing: keyPath)
        case (false, true):
            throw LocalClusterCertificatesError.incompleteCA(present: keyPath, missing: certificatePath)
        case (true, true):
            return try CertificateAuthority(
                certificatePEM: read(certificatePath),
                privateKeyPEM: read(keyPath)
            )
        }
    }

    private static func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LocalClusterCertificatesError.readFailed(path: path, reason: String(describing: error))
        }
    }
}
