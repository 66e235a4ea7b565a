import Foundation
import Testing
import VoucherdPKI
import X509
import ProcessTestSupport

/// What a finished `voucherctl` run printed and how it exited.
struct VoucherctlRun {
    let status: Int32
    let standardOutput: String
    let standardError: String
}

/// Finds the `voucherctl` executable in the build products directory the test binary runs from.
func voucherctlExecutable() throws -> URL {
    var starts = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()]
    if let first = CommandLine.arguments.first {
        starts.append(URL(fileURLWithPath: first).resolvingSymlinksInPath())
    }
    for start in starts {
        var directory = start.deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent("voucherctl")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate.path)
            {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "voucherctl near \(starts.map(\.path))"])
}

/// Runs `voucherctl` with `arguments` and waits for it to exit.
func runVoucherctl(_ arguments: [String]) throws -> VoucherctlRun {
    let process = Process()
    process.executableURL = try voucherctlExecutable()
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try ProcessLaunch.run(process)
    // Read both pipes before waiting, so the child never blocks on a full pipe; its error output
    // is a line or two, far below a pipe's buffer, so reading it second cannot stall the child.
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return VoucherctlRun(
        status: process.terminationStatus,
        standardOutput: String(decoding: outputData, as: UTF8.self),
        standardError: String(decoding: errorData, as: UTF8.self)
    )
}

@Suite("voucherctl certs")
struct VoucherctlCertsTests {
    @Test("certs init --format json exits 0 and lists the files it wrote")
    func initJSON() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }

        let run = try runVoucherctl(["certs", "init", "--out", directory.path, "--format", "json"])

        #expect(run.status == 0, "\(run.standardError)")
        let summary = try JSONDecoder().decode(LocalClusterCertificates.Summary.self, from: Data(run.standardOutput.utf8))
        let names = ["ca", "identity", "issuance", "redemption", "analytics", "operator", "gateway", "load"]
        let expected = names.flatMap { ["\(directory.path)/\($0).crt", "\(directory.path)/\($0).key"] }
        #expect(summary.filesWritten == expected)
        for path in expected {
            #expect(FileManager.default.fileExists(atPath: path), "\(path)")
        }
        #expect(summary.certificates.first?.identity == "spiffe://voucherd/service/identity")
        #expect(run.standardOutput.contains("\"filesWritten\""))
    }

    @Test("certs init with options prints a table and honours --service, --client, --host and --ip")
    func initTable() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }

        let run = try runVoucherctl([
            "certs", "init", "--out", directory.path, "--service", "issuance", "--client", "operator",
            "--host", "node1.example", "--ip", "10.0.0.1",
        ])

        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("Created CA"))
        #expect(run.standardOutput.contains("spiffe://voucherd/service/issuance"))
        #expect(run.standardOutput.contains("spiffe://voucherd/client/operator"))
        let service = try directory.certificate("issuance")
        #expect(
            try alternativeNames(of: service) == [
                #"DNSName("voucherd-issuance")"#, #"DNSName("node1.example")"#,
                #"URI("spiffe://voucherd/service/issuance")"#, "IPAddress([10, 0, 0, 1])",
            ]
        )
        #expect(!FileManager.default.fileExists(atPath: "\(directory.path)/redemption.crt"))

        let rerun = try runVoucherctl(["certs", "init", "--out", directory.path, "--service", "issuance"])
        #expect(rerun.status == 0, "\(rerun.standardError)")
        #expect(rerun.standardOutput.contains("Reused CA"))
    }

    @Test("a bad service name exits non-zero with a message naming it")
    func badServiceName() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }

        let run = try runVoucherctl(["certs", "init", "--out", directory.path, "--service", "Bad_Name"])

        #expect(run.status != 0)
        #expect(run.standardError.contains("\"Bad_Name\""), "\(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test("--help describes the command and every option")
    func help() throws {
        let run = try runVoucherctl(["certs", "init", "--help"])

        #expect(run.status == 0)
        for option in ["--out", "--service", "--client", "--host", "--ip", "--new-ca", "--format"] {
            #expect(run.standardOutput.contains(option), "\(option)")
        }
    }
}
