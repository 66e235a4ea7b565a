import Foundation
import Testing
import VoucherdPKI
import X509

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("voucherd-certs-\(UUID().uuidString)").path
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Loads `<name>.crt` through `PKIIdentity`, which also checks that `<name>.key` matches it.
    func certificate(_ name: String) throws -> Certificate {
        try PKIIdentity(
            certificatePEM: String(contentsOfFile: "\(path)/\(name).crt", encoding: .utf8),
            privateKeyPEM: String(contentsOfFile: "\(path)/\(name).key", encoding: .utf8)
        ).certificate
    }
}

@Suite("LocalClusterCertificates")
struct LocalClusterCertificatesTests {
    @Test("writes the CA and a certificate and key for every default service and client")
    func writesExpectedFiles() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }

        let summary = try LocalClusterCertificates.write(to: directory.path)

        let names = ["ca", "identity", "issuance", "redemption", "analytics", "operator", "gateway", "load"]
        let expected = names.flatMap { ["\(directory.path)/\($0).crt", "\(directory.path)/\($0).key"] }
        #expect(summary.filesWritten == expected)
        #expect(!summary.caReused)
        for path in expected {
            #expect(FileManager.default.fileExists(atPath: path), "\(path)")
        }
        let keyMode = try FileManager.default.attributesOfItem(atPath: "\(directory.path)/issuance.key")[.posixPermissions]
        #expect(keyMode as? Int == 0o600)
        #expect(summary.certificates.map(\.name) == Array(names.dropFirst()))
        #expect(
            summary.certificates.map(\.identity) == [
                "spiffe://voucherd/service/identity", "spiffe://voucherd/service/issuance",
                "spiffe://voucherd/service/redemption", "spiffe://voucherd/service/analytics",
                "spiffe://voucherd/client/operator", "spiffe://voucherd/client/gateway",
                "spiffe://voucherd/client/load",
            ]
        )
    }

    @Test("service and client certificates verify against the CA and carry their names and usages")
    func certificatesVerifyAndCarryNames() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }

        _ = try LocalClusterCertificates.write(
            to: directory.path,
            services: ["issuance"],
            clients: ["operator"],
            hosts: ["localhost", "node1.example"],
            ipAddresses: ["127.0.0.1", "::1"]
        )
        let ca = try directory.certificate("ca")
        let service = try directory.certificate("issuance")
        let client = try directory.certificate("operator")

        #expect(await verifies(service, against: ca))
        #expect(await verifies(client, against: ca))
        #expect(
            try alternativeNames(of: service) == [
                #"DNSName("voucherd-issuance")"#,
                #"DNSName("localhost")"#,
                #"DNSName("node1.example")"#,
                #"URI("spiffe://voucherd/service/issuance")"#,
                "IPAddress([127, 0, 0, 1])",
                "IPAddress([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])",
            ]
        )
        #expect(try alternativeNames(of: client) == [#"URI("spiffe://voucherd/client/operator")"#])
        let serviceUsage = try #require(try service.extensions.extendedKeyUsage)
        #expect(serviceUsage.contains(.serverAuth) && serviceUsage.contains(.clientAuth))
        let clientUsage = try #require(try client.extensions.extendedKeyUsage)
        #expect(clientUsage.contains(.clientAuth) && !clientUsage.contains(.serverAuth))

    }

    @Test("a rerun reuses the existing CA unless a new one is asked for")
    func rerunReusesCA() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let caPath = "\(directory.path)/ca.crt"

        _ = try LocalClusterCertificates.write(to: directory.path, services: ["issuance"], clients: [])
        let first = try Data(contentsOf: URL(fileURLWithPath: caPath))

        let second = try LocalClusterCertificates.write(to: directory.path, services: ["issuance"], clients: [])
        #expect(second.caReused)
        #expect(!second.filesWritten.contains(caPath))
        #expect(try Data(contentsOf: URL(fileURLWithPath: caPath)) == first)
        let ca = try directory.certificate("ca")
        let reissued = try directory.certificate("issuance")
        #expect(await verifies(reissued, against: ca))

        let third = try LocalClusterCertificates.write(
            to: directory.path,
            services: ["issuance"],
            clients: [],
            reuseExistingCA: false
        )
        #expect(!third.caReused)
        #expect(third.filesWritten.contains(caPath))
        #expect(try Data(contentsOf: URL(fileURLWithPath: caPath)) != first)
    }

    @Test("a half-present CA is refused rather than overwritten")
    func incompleteCA() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        _ = try LocalClusterCertificates.write(to: directory.path, services: [], clients: [])
        try FileManager.default.removeItem(atPath: "\(directory.path)/ca.key")

        #expect(
            throws: LocalClusterCertificatesError.incompleteCA(
                present: "\(directory.path)/ca.crt",
                missing: "\(directory.path)/ca.key"
            )
        ) {
            try LocalClusterCertificates.write(to: directory.path)
        }
    }

    @Test(
        "bad names are refused, naming the value, before anything is written",
        arguments: [
            (["Issuance"], ["operator"], ["localhost"], ["127.0.0.1"], "\"Issuance\""),
            (["issu ance"], ["operator"], ["localhost"], ["127.0.0.1"], "\"issu ance\""),
            ([""], ["operator"], ["localhost"], ["127.0.0.1"], "\"\""),
            (["issuance"], ["op_erator"], ["localhost"], ["127.0.0.1"], "\"op_erator\""),
            (["issuance"], ["issuance"], ["localhost"], ["127.0.0.1"], "\"issuance\""),
            (["ca"], ["operator"], ["localhost"], ["127.0.0.1"], "\"ca\""),
            (["issuance"], ["operator"], ["bad host"], ["127.0.0.1"], "\"bad host\""),
            (["issuance"], ["operator"], ["localhost"], ["127.1"], "\"127.1\""),
        ]
    )
    func badNames(services: [String], clients: [String], hosts: [String], ips: [String], named: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }

        let error = try #require(throws: (any Error).self) {
            try LocalClusterCertificates.write(
                to: directory.path,
                services: services,
                clients: clients,
                hosts: hosts,
                ipAddresses: ips
            )
        }
        #expect(error is LocalClusterCertificatesError || error is PKIError)
        #expect(String(describing: error).contains(named), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test("the error names the bad service and client")
    func errorCases() {
        #expect(throws: LocalClusterCertificatesError.invalidServiceName("Bad")) {
            try LocalClusterCertificates.write(to: "/nonexistent-never-written", services: ["Bad"])
        }
        #expect(throws: LocalClusterCertificatesError.invalidClientName("x.y")) {
            try LocalClusterCertificates.write(to: "/nonexistent-never-written", clients: ["x.y"])
        }
    }
}
