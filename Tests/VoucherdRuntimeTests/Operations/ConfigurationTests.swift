import Foundation
import Logging
import Testing
import VoucherdRuntime

/// Writes the three TLS files (contents do not matter to the loader) into a fresh directory.
struct ConfigurationFixture {
    let directory: URL
    let certificate: String
    let key: String
    let trustRoots: String

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("voucherd-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        self.certificate = self.directory.appendingPathComponent("cert.pem").path
        self.key = self.directory.appendingPathComponent("key.pem").path
        self.trustRoots = self.directory.appendingPathComponent("ca.pem").path
        for path in [self.certificate, self.key, self.trustRoots] {
            try Data("pem".utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    var tlsFlags: [String] {
        ["--tls-certificate", self.certificate, "--tls-key", self.key, "--tls-trust-roots", self.trustRoots]
    }

    func writeConfig(_ json: String) throws -> String {
        let path = self.directory.appendingPathComponent("config-\(UUID().uuidString).json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func load(_ arguments: [String], environment: [String: String] = [:], terminal: Bool = false) throws -> ServiceConfiguration {
        try ServiceConfiguration.load(
            serviceName: "issuance", arguments: arguments, environment: environment, standardOutputIsTerminal: terminal
        )
    }

    /// The error loading throws; nil if it succeeds.
    func error(_ arguments: [String], environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try self.load(arguments, environment: environment)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            return nil
        }
    }
}

@Suite("Service configuration")
struct ConfigurationTests {
    @Test("defaults apply when nothing is set")
    func defaults() throws {
        let fixture = try ConfigurationFixture()
        let configuration = try fixture.load(fixture.tlsFlags)
        #expect(configuration.serviceName == "issuance")
        #expect(configuration.dataDirectory == "./data/issuance")
        #expect(configuration.listenHost == "127.0.0.1")
        #expect(configuration.listenPort == 7443)
        #expect(configuration.adminHost == "127.0.0.1")
        #expect(configuration.adminPort == 9090)
        #expect(configuration.peers.isEmpty)
        #expect(configuration.logFormat == .json)
        #expect(configuration.logLevel == .info)
        #expect(try fixture.load(fixture.tlsFlags, terminal: true).logFormat == .text)
    }

    @Test("a flag beats the environment, which beats the file, which beats the default")
    func precedence() throws {
        let fixture = try ConfigurationFixture()
        let file = try fixture.writeConfig("""
            {"listen-port": 1001, "admin-port": 2001, "data-dir": "/file/data", "log-level": "debug",
             "peer": {"identity": "file-identity:1", "issuance": "file-issuance:1"}}
            """)
        let environment = [
            "VOUCHERD_CONFIG": file,
            "VOUCHERD_LISTEN_PORT": "1002",
            "VOUCHERD_ADMIN_PORT": "2002",
            "VOUCHERD_PEERS": "identity=env-identity:2",
        ]
        let configuration = try fixture.load(
            fixture.tlsFlags + ["--listen-port", "1003", "--peer", "identity=flag-identity:3"], environment: environment
        )
        #expect(configuration.listenPort == 1003)
        #expect(configuration.adminPort == 2002)
        #expect(configuration.dataDirectory == "/file/data")
        #expect(configuration.logLevel == .debug)
        #expect(configuration.listenHost == "127.0.0.1")
        #expect(configuration.peers["identity"] == PeerAddress(host: "flag-identity", port: 3))
        #expect(configuration.peers["issuance"] == PeerAddress(host: "file-issuance", port: 1))
    }

    @Test("--config names the file; --key=value works; TLS paths may come from the environment")
    func configFlagAndEquals() throws {
        let fixture = try ConfigurationFixture()
        let file = try fixture.writeConfig(#"{"listen-host": "0.0.0.0", "log-format": "text"}"#)
        let environment = [
            "VOUCHERD_TLS_CERTIFICATE": fixture.certificate,
            "VOUCHERD_TLS_KEY": fixture.key,
            "VOUCHERD_TLS_TRUST_ROOTS": fixture.trustRoots,
        ]
        let configuration = try fixture.load(["--config", file, "--admin-port=0", "--peer=ledger=[::1]:7445"], environment: environment)
        #expect(configuration.listenHost == "0.0.0.0")
        #expect(configuration.logFormat == .text)
        #expect(configuration.adminPort == 0)
        #expect(configuration.peers["ledger"] == PeerAddress(host: "::1", port: 7445))
        #expect(configuration.tlsKey == fixture.key)
    }

    @Test(
        "each bad value throws an error naming its key",
        arguments: [
            (["--listen-prot", "1"], "listen-prot", "unknown flag"),
            (["--listen-port", "abc"], "listen-port", "not an integer"),
            (["--admin-port", "70000"], "admin-port", "out of range"),
            (["--listen-port", "-1"], "listen-port", "out of range"),
            (["--log-level", "loud"], "log-level", "unknown log level"),
            (["--log-format", "xml"], "log-format", "unknown log format"),
            (["--peer", "identity=nohost"], "peer.identity", "malformed"),
            (["--peer", "identity"], "peer", "malformed"),
            (["--tls-key", "/nonexistent/key.pem"], "tls-key", "file not found"),
            (["--listen-port"], "listen-port", "needs a value"),
        ] as [([String], String, String)]
    )
    func errorsNameTheirKey(extra: [String], key: String, problem: String) throws {
        let fixture = try ConfigurationFixture()
        let error = try #require(fixture.error(fixture.tlsFlags + extra))
        #expect(error.key == key)
        #expect(error.problem.contains(problem))
        #expect(error.description.contains("'\(key)'"))
    }

    @Test("missing TLS material, bad environment and bad file values name their key")
    func otherSources() throws {
        let fixture = try ConfigurationFixture()
        #expect(fixture.error([])?.key == "tls-certificate")
        #expect(fixture.error(fixture.tlsFlags, environment: ["VOUCHERD_ADMIN_PORT": "http"])?.key == "admin-port")
        #expect(fixture.error(fixture.tlsFlags, environment: ["VOUCHERD_PEERS": "identity=:7"])?.key == "peer.identity")
        let unknown = try fixture.writeConfig(#"{"listen-portt": 1}"#)
        #expect(fixture.error(fixture.tlsFlags + ["--config", unknown])?.key == "listen-portt")
        let notJSON = try fixture.writeConfig("listen-port = 1")
        #expect(fixture.error(fixture.tlsFlags + ["--config", notJSON])?.key == "config")
        #expect(fixture.error(fixture.tlsFlags + ["--config", "/nonexistent.json"])?.key == "config")
    }
}
