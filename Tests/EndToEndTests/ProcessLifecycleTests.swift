#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRPCCore
import Testing
import VoucherdModel

/// The real `voucherd-identity` process: start on port 0, readiness, health, graceful stop, and
/// start-up failures. Runs against the identity library's stubs as well as the real thing.
@Suite("voucherd-identity process", .timeLimit(.minutes(3)))
struct ProcessLifecycleTests {
    @Test("starts on port 0, is ready and healthy, and exits 0 on SIGTERM")
    func readyHealthyAndGracefulStop() async throws {
        try await withIdentityFixture { fixture in
            let identity = try await RunningIdentity.start(fixture)
            #expect(identity.xrpcPort > 0 && identity.adminPort > 0)

            let ready = try await identity.admin("/readyz")
            #expect(ready.status == 200)
            #expect(try await identity.admin("/healthz").status == 200)
            let metrics = try await identity.admin("/metrics")
            #expect(metrics.status == 200)

            let ports = try String(contentsOf: fixture.dataDirectory.appendingPathComponent("ports.json"), encoding: .utf8)
            #expect(ports.contains("\"xrpc\": \(identity.xrpcPort)"))
            #expect(ports.contains("\"admin\": \(identity.adminPort)"))

            try await identity.withClients(fixture) { _, health in
                let server = try await health.check(Grpc_Health_V1_HealthCheckRequest())
                #expect(server.status == .serving)
                var request = Grpc_Health_V1_HealthCheckRequest()
                request.service = "voucherd.v1.Identity"
                let identityHealth = try await health.check(request)
                #expect(identityHealth.status == .serving)
            }
            #expect(FileManager.default.fileExists(atPath: fixture.dataDirectory.appendingPathComponent("store.sqlite").path))

            let exit = await identity.stop()
            #expect(!exit.killed)
            #expect(exit.status == 0, "stderr: \(exit.stderr)")
            #expect(!FileManager.default.fileExists(atPath: fixture.dataDirectory.appendingPathComponent("ports.json").path))
        }
    }

    @Test("restarts on the same data directory")
    func restartsOnSameStore() async throws {
        try await withIdentityFixture { fixture in
            for _ in 0..<2 {
                let identity = try await RunningIdentity.start(fixture)
                #expect(try await identity.admin("/readyz").status == 200)
                #expect(await identity.stop().status == 0)
            }
        }
    }

    @Test("a bad configuration value stops it with exit 2 and a message naming the key")
    func configurationError() async throws {
        try await withIdentityFixture { fixture in
            let child = try ChildProcess("voucherd-identity", arguments: fixture.arguments(extra: ["--listen-port", "http"]))
            let exit = await child.waitForExit()
            #expect(exit.status == 2)
            #expect(exit.stderr.contains("configuration key 'listen-port'"), "stderr: \(exit.stderr)")
        }
    }

    @Test("an unknown key in the identity section stops it, naming the key path")
    func unknownPolicyKey() async throws {
        try await withIdentityFixture { fixture in
            let config = fixture.directory.appendingPathComponent("config.json")
            try Data(#"{"identity": {"tokens": {"lifetime-typo": 5}}}"#.utf8).write(to: config)
            let child = try ChildProcess("voucherd-identity", arguments: fixture.arguments(extra: ["--config", config.path]))
            let exit = await child.waitForExit()
            #expect(exit.status == 2)
            #expect(exit.stderr.contains("identity.tokens.lifetime-typo"), "stderr: \(exit.stderr)")
        }
    }

    @Test("a bootstrap operator without a password file is a configuration error")
    func bootstrapWithoutPassword() async throws {
        try await withIdentityFixture { fixture in
            let arguments = fixture.arguments().filter { $0 != "--bootstrap-password-file" && $0 != fixture.passwordFile.path }
            let child = try ChildProcess("voucherd-identity", arguments: arguments)
            let exit = await child.waitForExit()
            #expect(exit.status == 2)
            #expect(exit.stderr.contains("bootstrap-password-file"), "stderr: \(exit.stderr)")
        }
    }

    @Test("an unreadable certificate stops it with exit 1 and one clear line")
    func unreadableCertificate() async throws {
        try await withIdentityFixture { fixture in
            let garbage = fixture.directory.appendingPathComponent("garbage.crt")
            try Data("not a certificate\n".utf8).write(to: garbage)
            let child = try ChildProcess("voucherd-identity", arguments: fixture.arguments(extra: ["--tls-certificate", garbage.path]))
            let exit = await child.waitForExit()
            #expect(exit.status == 1)
            #expect(exit.stderr.hasPrefix("voucherd-identity: cannot load the TLS material"), "stderr: \(exit.stderr)")
            #expect(exit.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test("a port in use stops the second process with exit 1")
    func bindFailure() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { first in
                let other = try IdentityFixture.make()
                defer { other.remove() }
                var arguments = other.arguments()
                arguments[arguments.firstIndex(of: "--listen-port")! + 1] = "\(first.xrpcPort)"
                let child = try ChildProcess("voucherd-identity", arguments: arguments)
                let exit = await child.waitForExit()
                #expect(exit.status == 1)
                #expect(exit.stderr.contains("\(first.xrpcPort)"), "stderr: \(exit.stderr)")
            }
        }
    }

    @Test("--help prints the keys and exits 0")
    func help() async throws {
        let child = try ChildProcess("voucherd-identity", arguments: ["--help"])
        let output = await child.collectOutput()
        #expect(await child.waitForExit().status == 0)
        #expect(output.contains("--bootstrap-operator"))
        #expect(output.contains("ports.json"))
    }
}
