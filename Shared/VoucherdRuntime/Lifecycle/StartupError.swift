/// Why a service process could not start (or keep running): ``ServiceProcess`` prints it as one
/// line on standard error and exits with status 1.
///
/// One type for every executable and for the runtime's own start-up helpers
/// (``ServiceListeners``, ``PortsFile``, ``ServiceStartup``), so ``ServiceProcess`` can tell a
/// start-up failure, whose message already names the file, address or key, from any other error.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the file, address or key.
    public var description: String

    /// Creates an error.
    /// - Parameter description: the line to print, naming what could not be used.
    public init(_ description: String) {
        self.description = description
    }
}
