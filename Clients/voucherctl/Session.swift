import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `voucherctl login` remembers between commands: where identity listens, the TLS files,
/// and the tokens. Stored as JSON with mode 0600, because the refresh token is a credential.
struct Session: Codable, Sendable {
    /// Identity's XRPC address, `host:port`.
    var endpoint: String
    /// The name the server certificate must carry; nil checks the endpoint's host.
    var serverName: String?
    /// CA certificates (PEM) the server must chain to.
    var caPath: String
    /// The client certificate (PEM), for mutual TLS.
    var certificatePath: String
    /// Its private key (PEM).
    var keyPath: String
    /// The current access token.
    var accessToken: String
    /// When it expires, microseconds since the epoch.
    var accessTokenExpiresAtMicros: Int64
    /// The refresh token; empty when the login gave none.
    var refreshToken: String
    /// When the refresh token expires, microseconds since the epoch.
    var refreshTokenExpiresAtMicros: Int64
    /// Who logged in: the token's subject and role.
    var subject: String
    var role: String

    /// `$VOUCHERCTL_SESSION`, else `~/.config/voucherctl/session.json`.
    static var defaultPath: String {
        if let path = ProcessInfo.processInfo.environment["VOUCHERCTL_SESSION"], !path.isEmpty { return path }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".config/voucherctl/session.json").path
    }

    /// Whether the access token is expired or expires within `margin` seconds.
    func accessTokenExpires(within margin: TimeInterval, now: Date = Date()) -> Bool {
        let expiry = Date(timeIntervalSince1970: Double(self.accessTokenExpiresAtMicros) / 1_000_000)
        return expiry.timeIntervalSince(now) <= margin
    }

    /// Reads a session file.
    /// - Throws: ``CLIError`` when there is no session or it cannot be read.
    static func load(from path: String) throws -> Session {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("no session at \(path); run `voucherctl login` first")
        }
        do {
            return try JSONDecoder().decode(Session.self, from: data)
        } catch {
            throw CLIError("the session file \(path) is unreadable (\(error)); run `voucherctl login` again")
        }
    }

    /// Writes the session with mode 0600, creating its directory (mode 0700) if needed. The file
    /// is created with its final mode before any byte is written, so no token is ever readable
    /// by others.
    func save(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        // open(2) with mode 0600 (and fchmod against the umask), then rename(2): the file never
        // exists with wider permissions, and a reader never sees half of it.
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw CLIError("cannot write the session file \(path): errno \(errno)") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        _ = fchmod(descriptor, 0o600)
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, url.path) == 0 else {
            throw CLIError("cannot write the session file \(path): errno \(errno)")
        }
    }
}
