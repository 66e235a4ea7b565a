#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import GRDB
import Testing
import VoucherdStore
import ProcessTestSupport

@Suite("Durability under kill -9")
struct CrashProbeTests {
    private struct Transcript: Sendable {
        var acknowledged: [Int] = []
        var killedEarly = false
    }

    @Test("every write acknowledged before SIGKILL is in the store after reopening")
    func acknowledgedWritesSurviveKill() async throws {
        let probe = try #require(Self.locateProbe(), "voucherd-store-crash-probe not found next to the tests")
        try await withTemporaryDirectory { directory in
            let process = Process()
            process.executableURL = probe
            process.arguments = [directory.path, "8", "60"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try ProcessLaunch.run(process)
            try? pipe.fileHandleForWriting.close()

            let transcript = await Self.readAcks(from: pipe.fileHandleForReading, process: process)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(process.terminationStatus == SIGKILL)
            #expect(transcript.killedEarly)
            #expect(transcript.acknowledged.count > 50)

            let store = try openStore(in: directory, migrations: [Self.probeMigration])
            let stored = try await store.pool.read { db in
                Set(try Int.fetchAll(db, sql: "SELECT id FROM probe_acks"))
            }
            let missing = transcript.acknowledged.filter { !stored.contains($0) }
            #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
            #expect(stored.count >= transcript.acknowledged.count)
        }
    }

    /// Same name and schema as the probe's own migration, so reopening applies nothing new.
    private static let probeMigration = StoreMigration("v1_probe_acks") { db in
        try db.execute(sql: "CREATE TABLE probe_acks (id INTEGER PRIMARY KEY, writer INTEGER NOT NULL)")
    }

    /// Reads "ack <id>" lines until 2,000 acks or 3 seconds, sends SIGKILL, then keeps reading
    /// to EOF, because lines written before death were acknowledged too. A watchdog kills a
    /// probe that never writes, so the read cannot hang.
    private static func readAcks(from handle: FileHandle, process: Process) async -> Transcript {
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { _ = kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        defer { watchdog.cancel() }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var transcript = Transcript()
                var pending = Data()
                var deadline: DispatchTime?
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    pending.append(chunk)
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                        pending.removeSubrange(pending.startIndex...newline)
                        if line == "ready" {
                            deadline = .now() + 3
                        } else if line.hasPrefix("ack "), let id = Int(line.dropFirst(4)) {
                            transcript.acknowledged.append(id)
                        }
                    }
                    let timeUp = deadline.map { DispatchTime.now() >= $0 } ?? false
                    if !transcript.killedEarly && (transcript.acknowledged.count >= 2_000 || timeUp) {
                        transcript.killedEarly = kill(pid, SIGKILL) == 0
                    }
                }
                continuation.resume(returning: transcript)
            }
        }
    }

    /// The probe is built into the same products directory as the test executable; the scratch
    /// path varies, so look next to whatever is running the tests.
    private static func locateProbe() -> URL? {
        let name = "voucherd-store-crash-probe"
        var directories: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for directory in directories {
            var current = directory
            // The test binary may sit inside a bundle (macOS .xctest/Contents/MacOS).
            for _ in 0..<4 {
                let candidate = current.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                current.deleteLastPathComponent()
            }
        }
        return nil
    }
}
