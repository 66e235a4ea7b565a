import Foundation
import Testing
import VoucherdPKI
import XRPC
import XRPCTestSupport
import ProcessTestSupport

/// Runs `Tests/ProtocolDocClient/xrpc_doc_client.py`, an XRPC/1 client written in Python from
/// `docs/PROTOCOL.md` alone, against a real server. It shows that the document is enough to
/// talk to the Swift server: TLS 1.3 + ALPN + mTLS, preface and SETTINGS, a unary call with a
/// fragmented request and response, a trailers-only error, GOAWAY.
@Suite("Python client written from docs/PROTOCOL.md", .timeLimit(.minutes(2)))
struct PythonDocClientTests {
    /// What the script prints on its one line of JSON (extra keys are ignored).
    struct Output: Decodable {
        let status: Int
        let message: String
        let payloadLen: Int
        let payloadPrefix: String
        let peerIdentity: String
        let metadata: [String]
        let unknownMethodStatus: Int
    }

    struct Run {
        let exitCode: Int32
        let stdout: String
        let stderr: String
    }

    /// `Tests/ProtocolDocClient/xrpc_doc_client.py`, found from this file's path.
    static let script: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Conformance
        .deletingLastPathComponent()  // XRPCTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("ProtocolDocClient")
        .appendingPathComponent("xrpc_doc_client.py")

    @Test("Echo and an unknown method through the Python client", arguments: [nil, 100_000] as [Int?])
    func echo(payloadSize: Int?) async throws {
        #expect(FileManager.default.fileExists(atPath: Self.script.path), "missing \(Self.script.path)")
        let pki = try TestPKI.make()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("xrpc-doc-client-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let ca = directory.appendingPathComponent("ca.pem")
        let cert = directory.appendingPathComponent("client.pem")
        let key = directory.appendingPathComponent("client-key.pem")
        try pki.caPEM.write(to: ca, atomically: true, encoding: .utf8)
        try pki.client.certificate.write(to: cert, atomically: true, encoding: .utf8)
        try pki.client.key.write(to: key, atomically: true, encoding: .utf8)

        let run = try await TestHarness.withServer(pki: pki) { endpoint in
            var arguments = [
                Self.script.path,
                "--host", endpoint.host,
                "--port", "\(endpoint.port)",
                "--ca", ca.path,
                "--cert", cert.path,
                "--key", key.path,
                "--server-name", "localhost",
                "--verbose",
            ]
            if let payloadSize {
                arguments += ["--payload-size", "\(payloadSize)"]
            } else {
                arguments += ["--payload", "hello"]
            }
            return try await Self.runPython(arguments, in: directory)
        }

        try #require(run.exitCode == 0, "the Python client failed (exit \(run.exitCode)):\n\(run.stderr)")
        let line = try #require(
            run.stdout.split(separator: "\n").last.map(String.init),
            "no output from the Python client; stderr:\n\(run.stderr)"
        )
        let output = try Self.decode(line)
        let expectedLength = payloadSize ?? 5
        let expectedPrefix = payloadSize.map { String(repeating: "p", count: min($0, 16)) } ?? "hello"

        #expect(output.status == 0, "status \(output.status) \(output.message); stderr:\n\(run.stderr)")
        #expect(output.payloadLen == expectedLength)
        #expect(output.payloadPrefix == expectedPrefix)
        #expect(output.peerIdentity == "spiffe://voucherd/test-client")
        #expect(output.metadata.contains("x-client=python"), "metadata \(output.metadata)")
        #expect(output.unknownMethodStatus == 12, "UNIMPLEMENTED expected; stderr:\n\(run.stderr)")
    }

    static func decode(_ line: String) throws -> Output {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Output.self, from: Data(line.utf8))
    }

    /// Runs `python3` with `arguments`, stdout and stderr going to files in `directory` (so that
    /// neither can fill a pipe and block the script), and waits at most 60 s for it to exit.
    static func runPython(_ arguments: [String], in directory: URL) async throws -> Run {
        let stdoutURL = directory.appendingPathComponent("stdout-\(UUID().uuidString).txt")
        let stderrURL = directory.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        process.standardInput = FileHandle.nullDevice
        try ProcessLaunch.run(process)

        let limit = ContinuousClock.now.advanced(by: .seconds(60))
        do {
            while process.isRunning {
                if ContinuousClock.now >= limit {
                    process.terminate()
                    Issue.record("the Python client did not exit within 60 s; terminated it")
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        } catch {
            // Cancelled (e.g. the suite's time limit): do not leave the script running.
            process.terminate()
            process.waitUntilExit()
            throw error
        }
        process.waitUntilExit()
        try stdoutHandle.close()
        try stderrHandle.close()

        let stdout = try String(contentsOf: stdoutURL, encoding: .utf8)
        let stderr = try String(contentsOf: stderrURL, encoding: .utf8)
        return Run(exitCode: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
