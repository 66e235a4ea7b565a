/// What an admin HTTP route answers.
public struct AdminResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type`.
    public var contentType: String
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    /// - Parameters:
    ///   - status: the HTTP status code.
    ///   - contentType: the `Content-Type`.
    ///   - body: the body bytes.
    public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A plain-text response.
    /// - Parameters:
    ///   - status: the HTTP status code.
    ///   - text: the body.
    /// - Returns: the response.
    public static func text(_ status: Int, _ text: String) -> AdminResponse {
        AdminResponse(status: status, body: Array(text.utf8))
    }
}
