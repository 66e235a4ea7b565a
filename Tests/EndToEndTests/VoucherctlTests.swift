import Foundation
import Testing
import VoucherdModel

/// `voucherctl` as a process: parsing and help, and errors from a real identity over the wire.
@Suite("voucherctl", .timeLimit(.minutes(3)))
struct VoucherctlTests {
    static let commands: [[String]] = [
        [], ["certs", "init"], ["login"], ["whoami"], ["consumer"], ["consumer", "register"], ["consumer", "get"],
        ["consumer", "referral"], ["merchant", "create"], ["merchant", "review"], ["merchant", "get"], ["merchant", "list"],
        ["staff", "create"], ["operator", "create"], ["service-account", "create"], ["api-key", "create"],
        ["api-key", "revoke"], ["member", "get"], ["points", "list"], ["points", "accrue"], ["points", "spend"],
        ["audit", "verify"],
    ]

    @Test("every command has --help", arguments: Self.commands)
    func help(_ command: [String]) async throws {
        let child = try ChildProcess("voucherctl", arguments: command + ["--help"])
        let output = await child.collectOutput()
        let exit = await child.waitForExit()
        #expect(exit.status == 0, "\(command): \(exit.stderr)")
        #expect(output.contains("USAGE"), "\(command)")
        // Every command that prints a result takes --format table|json.
        if command.count == 2 || command == ["login"] || command == ["whoami"] {
            #expect(output.contains("--format"), "\(command)")
        }
    }

    @Test("a command without a session says to log in and exits 1")
    func noSession() async throws {
        let child = try ChildProcess("voucherctl", arguments: ["whoami", "--session", "/nonexistent/session.json"])
        let exit = await child.waitForExit()
        #expect(exit.status == 1)
        #expect(exit.stderr.contains("voucherctl login"), "stderr: \(exit.stderr)")
    }

    @Test("bad arguments exit non-zero with usage")
    func badArguments() async throws {
        let child = try ChildProcess("voucherctl", arguments: ["points", "accrue", "con_x", "--points", "many"])
        let exit = await child.waitForExit()
        #expect(exit.status != 0)
        #expect(exit.stderr.contains("points"), "stderr: \(exit.stderr)")
    }

    @Test("a refused login prints the gRPC status and exits 1")
    func refusedLogin() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                let session = fixture.directory.appendingPathComponent("session.json").path
                let child = try ChildProcess(
                    "voucherctl",
                    arguments: [
                        "login", "--username", IdentityFixture.operatorName, "--password-stdin",
                        "--endpoint", "127.0.0.1:\(identity.xrpcPort)", "--certs", fixture.certs.path, "--session", session,
                    ],
                    standardInput: "not the password\n"
                )
                let exit = await child.waitForExit()
                #expect(exit.status == 1)
                // UNAUTHENTICATED from the real library; UNIMPLEMENTED from its stubs.
                #expect(
                    exit.stderr.hasPrefix("error: UNAUTHENTICATED (16): ") || exit.stderr.hasPrefix("error: UNIMPLEMENTED (12): "),
                    "stderr: \(exit.stderr)"
                )
                #expect(!FileManager.default.fileExists(atPath: session))
            }
        }
    }

    @Test("an expired session token is refused over the wire with UNAUTHENTICATED")
    func expiredSession() async throws {
        try await withIdentityFixture { fixture in
            try await withRunningIdentity(fixture) { identity in
                let token = try await fixture.minter.token(for: Principal(subject: "acc_e2e", role: .operator), expiresIn: -120)
                let path = try Self.writeSession(fixture, identity: identity, accessToken: token)
                let child = try ChildProcess("voucherctl", arguments: ["whoami", "--session", path])
                let exit = await child.waitForExit()
                #expect(exit.status == 1)
                #expect(exit.stderr.hasPrefix("error: UNAUTHENTICATED (16): "), "stderr: \(exit.stderr)")
            }
        }
    }

    /// A session file as `login` writes it, with a minted token and no refresh token.
    static func writeSession(_ fixture: IdentityFixture, identity: RunningIdentity, accessToken: String) throws -> String {
        let path = fixture.directory.appendingPathComponent("minted-session.json").path
        let session: [String: Any] = [
            "endpoint": "127.0.0.1:\(identity.xrpcPort)",
            "caPath": fixture.certs.appendingPathComponent("ca.crt").path,
            "certificatePath": fixture.certs.appendingPathComponent("operator.crt").path,
            "keyPath": fixture.certs.appendingPathComponent("operator.key").path,
            "accessToken": accessToken,
            "accessTokenExpiresAtMicros": Int64(Date().addingTimeInterval(3600).timeIntervalSince1970 * 1_000_000),
            "refreshToken": "",
            "refreshTokenExpiresAtMicros": 0,
            "subject": "acc_e2e",
            "role": "operator",
        ]
        try JSONSerialization.data(withJSONObject: session).write(to: URL(fileURLWithPath: path))
        return path
    }
}
