#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import ProcessTestSupport

/// A child process started from the products directory (with `posix_spawn`, see
/// ``SpawnedProcess``), with its standard output delivered as lines (read on a dispatch thread,
/// so the pipe never fills) and its standard error kept.
final class ChildProcess {
    let name: String
    /// Standard output, line by line, ending when the child closes it.
    let lines: AsyncStream<String>
    private let child: SpawnedProcess
    /// Yields the exit status and whether a signal ended the process, once.
    private let exit: AsyncStream<(status: Int32, killed: Bool)>

    /// Starts `name` (built next to the tests) with `arguments` and extra `environment`.
    init(_ name: String, arguments: [String], environment: [String: String] = [:], standardInput: String? = nil) throws {
        self.name = name
        var env = ProcessInfo.processInfo.environment
        // The children must not inherit a session or config from the developer's shell.
        for key in env.keys where key.hasPrefix("VOUCHERD_") || key.hasPrefix("VOUCHERCTL_") { env[key] = nil }
        env.merge(environment) { $1 }
        let child = try SpawnedProcess(executable: try Products.locate(name).path, arguments: arguments, environment: env)
        self.child = child
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        self.lines = lines
        let (exit, exitContinuation) = AsyncStream.makeStream(of: (status: Int32, killed: Bool).self)
        self.exit = exit
        DispatchQueue.global().async {
            let status = child.waitForExit()
            exitContinuation.yield((status.status, status.signaled))
            exitContinuation.finish()
        }
        if let standardInput { child.standardInput.write(Data(standardInput.utf8)) }
        try? child.standardInput.close()
        let reader = child.standardOutput
        DispatchQueue.global().async {
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
            continuation.finish()
        }
    }

    var pid: Int32 { self.child.pid }

    /// Sends a signal (SIGTERM for a graceful stop, SIGKILL for a crash).
    func signal(_ signal: Int32) {
        _ = kill(self.pid, signal)
    }

    /// Waits for the child to exit without blocking the cooperative pool.
    /// - Returns: the exit status, or the signal number if it was killed, and standard error.
    func waitForExit() async -> (status: Int32, killed: Bool, stderr: String) {
        if let finished = self.finished { return finished }
        let stderr = self.child.standardError
        let errorOutput = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: String(decoding: stderr.readDataToEndOfFile(), as: UTF8.self))
            }
        }
        var status: (status: Int32, killed: Bool) = (-1, false)
        for await exit in self.exit { status = exit }
        let result = (status.status, status.killed, errorOutput)
        self.finished = result
        return result
    }

    /// The result of the first ``waitForExit()``, so a second call does not wait forever.
    private var finished: (status: Int32, killed: Bool, stderr: String)?

    /// All standard output until the child closes it.
    func collectOutput() async -> String {
        var text = ""
        for await line in self.lines { text += line + "\n" }
        return text
    }
}

/// Finds executables built into the same products directory as the test binary.
enum Products {
    static func locate(_ name: String) throws -> URL {
        var directories: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        directories.append(Bundle.main.bundleURL)
        for directory in directories {
            var current = directory
            // The test binary may sit inside a bundle (macOS .xctest/Contents/MacOS).
            for _ in 0..<4 {
                let candidate = current.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                current.deleteLastPathComponent()
            }
        }
        throw E2EError("\(name) not found next to the tests; build with --build-tests")
    }
}

/// A failed expectation about a child process, with what it printed.
struct E2EError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
