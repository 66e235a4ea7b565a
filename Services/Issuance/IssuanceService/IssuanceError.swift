public import GRPCCore

/// Why an issuance call was refused, as the caller sees it: a status code and a message that
/// says what was wrong. Anything unexpected becomes ``internalError``, whose message is generic;
/// the details go to the log only.
public enum IssuanceError: Error, Sendable, Hashable, RPCErrorConvertible {
    /// A request field is missing or wrong; `field` is its proto path, such as `rules.inventory`.
    case invalidArgument(field: String, reason: String)
    /// No such campaign or coupon (or code).
    case notFound(String)
    /// The principal's role or merchant scope does not allow the call.
    case permissionDenied(String)
    /// The thing's state forbids the change (a paused campaign, a used coupon, a limit reached).
    case failedPrecondition(String)
    /// No stock (or budget) left.
    case resourceExhausted(String)
    /// A peer (identity) could not be reached; the call may be retried.
    case unavailable(String)
    /// Something unexpected; logged with its details, reported without them.
    case internalError

    /// The gRPC status code.
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .invalidArgument: .invalidArgument
        case .notFound: .notFound
        case .permissionDenied: .permissionDenied
        case .failedPrecondition: .failedPrecondition
        case .resourceExhausted: .resourceExhausted
        case .unavailable: .unavailable
        case .internalError: .internalError
        }
    }

    /// The message for the caller.
    public var rpcErrorMessage: String {
        switch self {
        case .invalidArgument(let field, let reason): "\(field): \(reason)"
        case .notFound(let message), .permissionDenied(let message), .failedPrecondition(let message),
            .resourceExhausted(let message), .unavailable(let message):
            message
        case .internalError: "Internal error."
        }
    }

    /// The underlying error is never exposed to the peer.
    public var rpcErrorCause: (any Error)? { nil }
}
