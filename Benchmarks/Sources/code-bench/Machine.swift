import Foundation

/// Where the benchmark ran: a shared 2-core box whose other tenants and disk decide much of
/// the numbers, so every result carries this.
struct Machine: Codable, Sendable {
    /// `uname -a`.
    var uname: String
    /// Processors available to this process (what `nproc` prints).
    var nproc: Int
    /// `model name` from /proc/cpuinfo.
    var cpu: String
    /// `swift --version`, first line.
    var swift: String
    /// `sqlite_version()` as the store reports it.
    var sqliteVersion: String
    /// The directory holding the stores, and its filesystem type (`stat -f -c %T`).
    var storeDirectory: String
    var filesystem: String
    /// /proc/loadavg before and after the runs: how busy the other tenants kept the box.
    var loadAverageBefore: String
    var loadAverageAfter: String

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func cpuModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        for line in info.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    /// The output of a command, trimmed, or `"unknown"` if it could not run.
    static func commandOutput(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "unknown"
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return "unknown" }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
