/// The shape of the call each cell makes.
enum CallKind: String, CaseIterable, Codable, Sendable {
    /// `Testing/Echo`: one request, its payload echoed in one response.
    case unary
    /// `Testing/Expand`: one request, answered by `--stream-messages` responses of the
    /// payload size.
    case serverStreaming = "server-streaming"
}
