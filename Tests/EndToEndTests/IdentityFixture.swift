import Foundation
import VoucherdPKI

/// A temporary folder with everything `voucherd-identity` needs: certificates from a CA made at
/// test time, a bootstrap operator password file, and a JWKS file trusting a key the tests hold
/// (``TokenMinter``), so they can mint expired and mis-addressed tokens the server would
/// otherwise verify.
struct IdentityFixture: Sendable {
    static let operatorName = "root-operator"
    static let operatorPassword = "correct horse battery staple"

    let directory: URL
    let certs: URL
    let minter: TokenMinter

    var dataDirectory: URL { self.directory.appendingPathComponent("identity") }

    /// Makes the folder, the certificates and the files.
    static func make() throws -> IdentityFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("voucherd-e2e-\(UUID().uuidString)")
        let certs = directory.appendingPathComponent("certs")
        _ = try LocalClusterCertificates.write(
            to: certs.path,
            services: ["identity"],
            clients: ["operator"],
            hosts: LocalClusterCertificates.defaultHosts,
            ipAddresses: ["127.0.0.1"],
            reuseExistingCA: false
        )
        let minter = TokenMinter()
        let fixture = IdentityFixture(directory: directory, certs: certs, minter: minter)
        try Data("\(Self.operatorPassword)\n".utf8).write(to: fixture.passwordFile)
        try Data(minter.jwks.utf8).write(to: fixture.trustedKeysFile)
        return fixture
    }

    var passwordFile: URL { self.directory.appendingPathComponent("operator-password") }
    var trustedKeysFile: URL { self.directory.appendingPathComponent("trusted-keys.json") }

    /// The flags every service process gets on this fixture: its own data directory under the
    /// fixture's folder, port 0 for both listeners, its certificate from the fixture's CA, and
    /// JSON logs (``RunningService`` reads the `ready` line).
    /// - Parameter service: the service's name, such as `identity`: its folder and certificate.
    func serviceArguments(_ service: String) -> [String] {
        [
            "--data-dir", self.directory.appendingPathComponent(service).path,
            "--listen-port", "0", "--admin-port", "0",
            "--tls-certificate", self.certs.appendingPathComponent("\(service).crt").path,
            "--tls-key", self.certs.appendingPathComponent("\(service).key").path,
            "--tls-trust-roots", self.certs.appendingPathComponent("ca.crt").path,
            "--log-format", "json",
        ]
    }

    /// The command line for the identity process on port 0.
    func arguments(extra: [String] = []) -> [String] {
        self.serviceArguments("identity") + [
            "--bootstrap-operator", Self.operatorName,
            "--bootstrap-password-file", self.passwordFile.path,
            "--trusted-token-keys", self.trustedKeysFile.path,
        ] + extra
    }

    func remove() {
        try? FileManager.default.removeItem(at: self.directory)
    }
}

/// Runs `body` with a fresh fixture, removing it afterwards.
func withIdentityFixture<T>(_ body: (IdentityFixture) async throws -> T) async throws -> T {
    let fixture = try IdentityFixture.make()
    defer { fixture.remove() }
    return try await body(fixture)
}
