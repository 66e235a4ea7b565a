import Foundation

/// Where the run happened: recorded with every result, since a shared 2-core box (and the
/// services running on it next to the load generator) decides much of the numbers.
struct Machine: Codable, Sendable {
    /// `uname -a`.
    var uname: String
    /// Processors available to this process (what `nproc` prints).
    var nproc: Int
    /// `model name` from /proc/cpuinfo.
    var cpu: String
    /// Physical memory in bytes.
    var memoryBytes: UInt64
    /// /proc/loadavg when the timed phase started and ended: how busy other tenants kept the box.
    var loadAverageBefore: String
    var loadAverageAfter: String
    /// `git rev-parse HEAD` of the working directory, with `-dirty` if it has changes; nil
    /// outside a checkout.
    var gitRevision: String?

    static func describe() -> Machine {
        Machine(
            uname: Self.commandOutput(["uname", "-a"]) ?? "unknown",
            nproc: ProcessInfo.processInfo.activeProcessorCount,
            cpu: Self.cpuModel(),
            memoryBytes: ProcessInfo.processInfo.physicalMemory,
            loadAverageBefore: Self.loadAverage(),
            loadAverageAfter: "",
            gitRevision: Self.gitRevision())
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func cpuModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        for line in info.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    private static func gitRevision() -> String? {
        guard let revision = Self.commandOutput(["git", "rev-parse", "HEAD"]), !revision.isEmpty else { return nil }
        let dirty = Self.commandOutput(["git", "status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
        return dirty ? revision + "-dirty" : revision
    }

    /// The output of a command, trimmed, or nil if it could not run or failed.
    static func commandOutput(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
