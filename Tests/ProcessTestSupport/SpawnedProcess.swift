#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation

/// A child process started with `posix_spawn`, with pipes for its three standard streams.
///
/// The end-to-end tests start dozens of service processes while other suites run. Foundation's
/// `Process.run()` crashed there now and then (a bad `memcpy` inside `run()`, even with launches
/// serialised by ``ProcessLaunch``), so the tests start children with glibc's `posix_spawn`
/// directly: it is thread-safe, and nothing of Foundation's process bookkeeping runs.
public final class SpawnedProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    /// Write end of the child's standard input.
    public let standardInput: FileHandle
    /// Read end of the child's standard output.
    public let standardOutput: FileHandle
    /// Read end of the child's standard error.
    public let standardError: FileHandle

    /// Starts `executable` with `arguments` and exactly `environment`.
    /// - Throws: `POSIXError` when a pipe cannot be made or the spawn fails (a missing file).
    public init(executable: String, arguments: [String], environment: [String: String]) throws {
        // Under the launch lock: the pipes become close-on-exec only after pipe() returns, and a
        // child spawned by another thread in between would inherit them and hold them open.
        (self.pid, self.standardInput, self.standardOutput, self.standardError) = try ProcessLaunch.locked {
            try Self.spawn(executable: executable, arguments: arguments, environment: environment)
        }
    }

    private static func spawn(
        executable: String, arguments: [String], environment: [String: String]
    ) throws -> (pid_t, FileHandle, FileHandle, FileHandle) {
        let input = try Self.pipe(), output = try Self.pipe(), error = try Self.pipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The pipes are close-on-exec; dup2 gives the child copies without that flag, so it
        // inherits exactly its three standard streams and none of the test process's descriptors.
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, error.write, 2)
        // Unlike Foundation's Process, posix_spawn keeps every descriptor not marked close-on-exec:
        // sockets of servers other suites run in this process would live on in the child (a
        // closed test server's port kept listening, a "port in use" test seeing another's port).
        // glibc ≥ 2.34 has the call, but Swift's Glibc module does not import it.
        guard let closeFrom = Self.addCloseFrom else { throw POSIXError(.ENOSYS) }
        _ = closeFrom(&actions, 3)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(input.read)
        close(output.write)
        close(error.write)
        guard status == 0 else {
            close(input.write)
            close(output.read)
            close(error.read)
            throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO)
        }
        return (
            pid,
            FileHandle(fileDescriptor: input.write, closeOnDealloc: true),
            FileHandle(fileDescriptor: output.read, closeOnDealloc: true),
            FileHandle(fileDescriptor: error.read, closeOnDealloc: true)
        )
    }

    /// Blocks until the child exits and reaps it; call it once, off the cooperative pool.
    /// - Returns: the exit status, or the signal number with `signaled` true.
    public func waitForExit() -> (status: Int32, signaled: Bool) {
        var status: Int32 = 0
        while waitpid(self.pid, &status, 0) == -1 {
            guard errno == EINTR else { return (-1, false) }
        }
        let signal = status & 0x7f
        return signal == 0 ? ((status >> 8) & 0xff, false) : (signal, true)
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard Glibc.pipe(&fds) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}
