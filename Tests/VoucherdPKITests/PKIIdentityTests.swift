import Foundation
import Testing
import VoucherdPKI
import X509

@Suite("PKIIdentity")
struct PKIIdentityTests {
    /// A fresh directory under the system temporary directory, removed after `body` runs.
    private func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("voucherd-pki-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory.path)
    }

    private func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }

    @Test("write creates the directory and both files, with the key at mode 0600")
    func write() throws {
        let ca = try CertificateAuthority.make()
        let identity = try ca.issue(CertificateRequest(commonName: "issuance", dnsNames: ["localhost"]))
        try withTemporaryDirectory { root in
            let directory = root + "/pki/services"
            let paths = try identity.write(to: directory, name: "issuance")

            #expect(paths.certificate == directory + "/issuance.crt")
            #expect(paths.privateKey == directory + "/issuance.key")
            #expect(try String(contentsOfFile: paths.certificate, encoding: .utf8) == identity.certificatePEM)
            #expect(try String(contentsOfFile: paths.privateKey, encoding: .utf8) == identity.privateKeyPEM)
            #expect(try permissions(paths.privateKey) == 0o600)
            #expect(try permissions(paths.certificate) == 0o644)
        }
    }

    @Test("write replaces existing files and tightens an existing key file to 0600")
    func overwrite() throws {
        let ca = try CertificateAuthority.make()
        let identity = try ca.issue(CertificateRequest(commonName: "svc"))
        try withTemporaryDirectory { directory in
            let keyPath = directory + "/svc.key"
            let stale = String(repeating: "stale ", count: 1_000)
            #expect(FileManager.default.createFile(atPath: keyPath, contents: Data(stale.utf8)))
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)

            try identity.write(to: directory, name: "svc")
            #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == identity.privateKeyPEM)
            #expect(try permissions(keyPath) == 0o600)
        }
    }

    @Test("files written by a CA load back into a CA and an identity")
    func roundTrip() async throws {
        let ca = try CertificateAuthority.make()
        let leaf = try ca.issue(CertificateRequest(commonName: "svc"))
        try withTemporaryDirectory { directory in
            let caPaths = try ca.identity.write(to: directory, name: "ca")
            let leafPaths = try leaf.write(to: directory, name: "svc")

            let loadedCA = try CertificateAuthority(
                certificatePEM: String(contentsOfFile: caPaths.certificate, encoding: .utf8),
                privateKeyPEM: String(contentsOfFile: caPaths.privateKey, encoding: .utf8)
            )
            #expect(loadedCA.identity.certificate == ca.identity.certificate)
            let loadedLeaf = try PKIIdentity(
                certificatePEM: String(contentsOfFile: leafPaths.certificate, encoding: .utf8),
                privateKeyPEM: String(contentsOfFile: leafPaths.privateKey, encoding: .utf8)
            )
            #expect(loadedLeaf.certificate == leaf.certificate)
        }
    }

    @Test("write rejects names that are not plain file names", arguments: ["", "a/b", ".", ".."])
    func invalidFileName(name: String) throws {
        let identity = try CertificateAuthority.make().identity
        try withTemporaryDirectory { directory in
            #expect(throws: PKIError.invalidFileName(name)) {
                try identity.write(to: directory, name: name)
            }
            let written = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(written.isEmpty)
        }
    }
}
