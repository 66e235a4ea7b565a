import ArgumentParser

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Aligned, human-readable lines (times as ISO 8601).
    case table
    /// The response message as protobuf JSON (proto field names, 64-bit integers as numbers).
    case json
}
