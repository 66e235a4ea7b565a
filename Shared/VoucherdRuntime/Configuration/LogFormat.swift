/// How a service writes its log lines.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON object per line (see ``JSONLogHandler``).
    case json
    /// Human-readable lines (swift-log's `StreamLogHandler`).
    case text
}
