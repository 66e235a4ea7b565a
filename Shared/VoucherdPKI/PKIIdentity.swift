import Foundation
import SwiftASN1
public import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A certificate and its private key, both PEM-encoded, as TLS configurations consume them.
///
/// The properties are immutable because the two PEM strings and the parsed certificate must
/// always describe the same key pair; an identity is only ever made by issuing or by loading a
/// pair that has been checked to match.
public struct PKIIdentity: Sendable {
    /// The certificate, PEM-encoded ("CERTIFICATE").
    public let certificatePEM: String
    /// The private key, PEM-encoded as PKCS#8 ("PRIVATE KEY").
    public let privateKeyPEM: String
    /// The parsed certificate, for inspecting or verifying without reparsing the PEM.
    public let certificate: Certificate

    let privateKey: Certificate.PrivateKey

    /// Loads an identity written earlier, checking that the key belongs to the certificate.
    ///
    /// - Parameters:
    ///   - certificatePEM: A PEM "CERTIFICATE" document.
    ///   - privateKeyPEM: A PEM private key (PKCS#8 or SEC1).
    /// - Throws: `PKIError.malformedPEM` if either document does not parse, or
    ///   `PKIError.keyDoesNotMatchCertificate` if the key is not the certificate's.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        let certificate: Certificate
        let privateKey: Certificate.PrivateKey
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw PKIError.malformedPEM(item: "certificate", reason: String(describing: error))
        }
        do {
            privateKey = try Certificate.PrivateKey(pemEncoded: privateKeyPEM)
        } catch {
            throw PKIError.malformedPEM(item: "private key", reason: String(describing: error))
        }
        guard privateKey.publicKey == certificate.publicKey else {
            throw PKIError.keyDoesNotMatchCertificate
        }
        self.init(
            certificate: certificate,
            privateKey: privateKey,
            certificatePEM: certificatePEM,
            privateKeyPEM: privateKeyPEM
        )
    }

    init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws {
        self.init(
            certificate: certificate,
            privateKey: privateKey,
            certificatePEM: try certificate.serializeAsPEM().pemString,
            privateKeyPEM: try privateKey.serializeAsPEM().pemString
        )
    }

    private init(
        certificate: Certificate,
        privateKey: Certificate.PrivateKey,
        certificatePEM: String,
        privateKeyPEM: String
    ) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// Writes `<name>.crt` and `<name>.key` into `directory`, creating the directory if needed.
    ///
    /// Existing files are replaced. The key file is created with mode 0600, or forced to 0600 if
    /// it already existed, before any key bytes are written, so other users never see the key.
    ///
    /// - Parameters:
    ///   - directory: The directory to write into.
    ///   - name: The file name stem, e.g. "issuance"; must not be empty or contain "/".
    /// - Returns: The paths of the certificate and key files.
    /// - Throws: `PKIError.invalidFileName` for a bad `name`, or `PKIError.writeFailed`.
    @discardableResult
    public func write(to directory: String, name: String) throws -> (certificate: String, privateKey: String) {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw PKIError.invalidFileName(name)
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PKIError.writeFailed(path: directory, reason: String(describing: error))
        }
        // Plain concatenation keeps relative directories relative, as the caller wrote them.
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let certificatePath = prefix + name + ".crt"
        let privateKeyPath = prefix + name + ".key"
        try Self.writeFile(certificatePEM, to: certificatePath, mode: 0o644)
        try Self.writeFile(privateKeyPEM, to: privateKeyPath, mode: 0o600)
        return (certificatePath, privateKeyPath)
    }

    /// Uses open(2) rather than FileManager because FileManager applies requested permissions
    /// only after the file exists, leaving a window in which a private key is readable by others.
    private static func writeFile(_ contents: String, to path: String, mode: mode_t) throws {
        func failure() -> PKIError {
            PKIError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure() }
        defer { _ = close(descriptor) }
        // open() leaves the mode of an existing file alone, so tighten it explicitly.
        guard fchmod(descriptor, mode) == 0 else { throw failure() }
        do {
            try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: Data(contents.utf8))
        } catch {
            throw PKIError.writeFailed(path: path, reason: String(describing: error))
        }
    }
}
