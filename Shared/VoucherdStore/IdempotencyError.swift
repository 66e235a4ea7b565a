/// Why an idempotent request was refused.
public enum IdempotencyError: Error, Equatable, Sendable {
    /// The idempotency key was already used by the same principal for the same method with a
    /// different request. Services map this to gRPC `alreadyExists` (the API protos say so):
    /// retrying the same call cannot succeed, the client must pick a new key.
    case keyReusedWithDifferentRequest(principal: String, method: String, key: String)
}
