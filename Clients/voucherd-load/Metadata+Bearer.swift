import GRPCCore

extension Metadata {
    /// `authorization: Bearer <token>`, as the services' authentication interceptor reads it.
    static func bearer(_ token: String) -> Metadata {
        ["authorization": "Bearer \(token)"]
    }
}
