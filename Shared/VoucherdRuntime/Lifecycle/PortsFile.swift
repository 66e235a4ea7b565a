public import Foundation

/// `<data-dir>/ports.json`: the ports the process is bound to, written once it is ready and
/// removed at shutdown, so scripts can use port 0 and find the ports (`{"xrpc": 41231,
/// "admin": 40111, "pid": 1234}`). Written to a temporary file and renamed, so a reader never
/// sees half of it.
///
/// Every service writes the same format, so the demo, the scripts and the end-to-end tests read
/// any service's ports one way.
public struct PortsFile: Sendable {
    /// The file's location.
    public let url: URL

    /// The ports file of a data directory.
    /// - Parameter dataDirectory: the service's data directory.
    public init(dataDirectory: String) {
        self.url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("ports.json")
    }

    /// Writes the file atomically.
    /// - Parameters:
    ///   - xrpcPort: the XRPC server's bound port.
    ///   - adminPort: the admin HTTP server's bound port.
    /// - Throws: ``StartupError`` if it cannot be written.
    public func write(xrpcPort: Int, adminPort: Int) throws(StartupError) {
        let text = "{\"xrpc\": \(xrpcPort), \"admin\": \(adminPort), \"pid\": \(ProcessInfo.processInfo.processIdentifier)}\n"
        do {
            try Data(text.utf8).write(to: self.url, options: .atomic)
        } catch {
            throw StartupError("cannot write \(self.url.path): \(error.localizedDescription)")
        }
    }

    /// Removes the file; a stale file after a crash is overwritten at the next start.
    public func remove() {
        try? FileManager.default.removeItem(at: self.url)
    }
}
