/// Why the process could not start (or keep running): printed as one line, then exit status 1.
struct StartupError: Error, CustomStringConvertible {
    /// What went wrong, naming the file, address or key.
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
