import Foundation

/// Where a benchmark ran, recorded with every result: on a shared 2-core box the other tenants,
/// the processor and the disk decide much of the numbers.
///
/// One type for the benchmarks and `voucherd-load`, so their reports describe a machine the same
/// way. Each
/// records what bears on what it measures; a field it leaves nil is not written (the reports'
/// JSON has only the keys that benchmark sets).
public struct Machine: Codable, Sendable {
    /// `uname -a`.
    public var uname: String
    /// Processors available to this process (what `nproc` prints).
    public var nproc: Int
    /// `model name` from /proc/cpuinfo.
    public var cpu: String?
    /// Physical memory in bytes.
    public var memoryBytes: UInt64?
    /// `swift --version`, first line.
    public var swift: String?
    /// `sqlite_version()` as the store reports it.
    public var sqliteVersion: String?
    /// The directory holding the stores, and its filesystem type (`stat -f -c %T`).
    public var storeDirectory: String?
    public var filesystem: String?
    /// A raw append-4-KiB-then-fsync loop in the store directory, before and after the cells.
    public var fsyncProbeBefore: FsyncProbe?
    public var fsyncProbeAfter: FsyncProbe?
    /// /proc/loadavg before and after the runs: how busy the other tenants kept the box.
    public var loadAverageBefore: String?
    public var loadAverageAfter: String?
    /// `git rev-parse HEAD` of the working directory, with `-dirty` if it has changes.
    public var gitRevision: String?

    /// What an fsync probe measured (store-bench's `Machine.probeFsync(in:iterations:)`).
    public struct FsyncProbe: Codable, Sendable {
        public var iterations: Int
        public var p50Microseconds: UInt64
        public var p90Microseconds: UInt64
        public var maxMicroseconds: UInt64

        public init(iterations: Int, p50Microseconds: UInt64, p90Microseconds: UInt64, maxMicroseconds: UInt64) {
            self.iterations = iterations
            self.p50Microseconds = p50Microseconds
            self.p90Microseconds = p90Microseconds
            self.maxMicroseconds = maxMicroseconds
        }
    }

    /// Creates a description; what is left out is not recorded.
    public init(
        uname: String,
        nproc: Int,
        cpu: String? = nil,
        memoryBytes: UInt64? = nil,
        swift: String? = nil,
        sqliteVersion: String? = nil,
        storeDirectory: String? = nil,
        filesystem: String? = nil,
        fsyncProbeBefore: FsyncProbe? = nil,
        fsyncProbeAfter: FsyncProbe? = nil,
        loadAverageBefore: String? = nil,
        loadAverageAfter: String? = nil,
        gitRevision: String? = nil
    ) {
        self.uname = uname
        self.nproc = nproc
        self.cpu = cpu
        self.memoryBytes = memoryBytes
        self.swift = swift
        self.sqliteVersion = sqliteVersion
        self.storeDirectory = storeDirectory
        self.filesystem = filesystem
        self.fsyncProbeBefore = fsyncProbeBefore
        self.fsyncProbeAfter = fsyncProbeAfter
        self.loadAverageBefore = loadAverageBefore
        self.loadAverageAfter = loadAverageAfter
        self.gitRevision = gitRevision
    }

    /// The host, the processor and the toolchain, with the load average now as the one before
    /// (set ``loadAverageAfter`` when the runs are done).
    public static func describe() -> Machine {
        Machine(
            uname: commandOutput(["uname", "-a"]),
            nproc: ProcessInfo.processInfo.activeProcessorCount,
            cpu: cpuModel(),
            swift: commandOutput(["swift", "--version"]).split(separator: "\n").first.map(String.init) ?? "unknown",
            loadAverageBefore: loadAverage(),
            loadAverageAfter: "")
    }

    /// /proc/loadavg, trimmed, or `"unknown"`.
    public static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `model name` from /proc/cpuinfo, or `"unknown"`.
    public static func cpuModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        for line in info.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    /// The checkout's revision, `-dirty` when tracked files changed; nil outside a checkout.
    public static func gitRevision() -> String? {
        guard let revision = Self.output(of: ["git", "rev-parse", "HEAD"]), !revision.isEmpty else { return nil }
        let dirty = Self.output(of: ["git", "status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
        return dirty ? revision + "-dirty" : revision
    }

    /// The output of a command, trimmed, or `"unknown"` if it could not run or failed.
    public static func commandOutput(_ arguments: [String]) -> String {
        Self.output(of: arguments) ?? "unknown"
    }

    /// The output of a command, trimmed, or nil if it could not run or failed.
    private static func output(of arguments: [String]) -> String? {
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
