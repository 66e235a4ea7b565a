import GRPCCore

/// What the consumers half refuses, as it crosses the wire. Messages name the field or the
/// figures involved and never internals.
enum ConsumerError: Error, Equatable, RPCErrorConvertible {
    /// Bad input: `field` is the proto field name, `problem` what is wrong with it.
    case invalidArgument(field: String, problem: String)
    /// No consumer with this id.
    case consumerNotFound(String)
    /// No points entry with this id for this consumer.
    case entryNotFound(String)
    /// The consumer's personal data was erased; it can no longer be used.
    case erased(String)
    /// A spend larger than the balance.
    case insufficientBalance(balance: Int64, requested: Int64)
    /// A refund larger than what is left of its spend.
    case refundExceedsSpend(entryID: String, remaining: Int64, requested: Int64)
    /// A total would overflow.
    case ledgerOverflow
    /// The idempotency key was used before with a different request.
    case idempotencyKeyReused(String)
    /// The caller may not act on this consumer.
    case permissionDenied(String)

    var rpcErrorCode: RPCError.Code {
        switch self {
        case .invalidArgument: .invalidArgument
        case .consumerNotFound, .entryNotFound: .notFound
        case .erased, .insufficientBalance, .refundExceedsSpend: .failedPrecondition
        case .ledgerOverflow: .outOfRange
        case .idempotencyKeyReused: .alreadyExists
        case .permissionDenied: .permissionDenied
        }
    }

    var rpcErrorMessage: String {
        switch self {
        case .invalidArgument(let field, let problem):
            "\(field): \(problem)"
        case .consumerNotFound(let id):
            "consumer_id: consumer '\(id)' does not exist"
        case .entryNotFound(let id):
            "spend_entry_id: points entry '\(id)' does not exist for this consumer"
        case .erased(let id):
            "consumer '\(id)' has been erased and can no longer be used"
        case .insufficientBalance(let balance, let requested):
            "points: balance is \(balance), requested \(requested)"
        case .refundExceedsSpend(let entryID, let remaining, let requested):
            "points: \(remaining) points of spend '\(entryID)' are left to refund, requested \(requested)"
        case .ledgerOverflow:
            "points: the ledger's totals would overflow"
        case .idempotencyKeyReused(let key):
            "idempotency_key: '\(key)' was already used with a different request"
        case .permissionDenied(let reason):
            reason
        }
    }

    var rpcErrorCause: (any Error)? { nil }

    /// Maps a ledger rule's refusal to the wire.
    init(_ violation: PointsLedgerRules.Violation, entryID: String = "") {
        switch violation {
        case .pointsOutOfRange:
            self = .invalidArgument(field: "points", problem: "must be between 1 and \(PointsLedgerRules.maximumPoints)")
        case .insufficientBalance(let balance, let requested):
            self = .insufficientBalance(balance: balance, requested: requested)
        case .refundExceedsSpend(let remaining, let requested):
            self = .refundExceedsSpend(entryID: entryID, remaining: remaining, requested: requested)
        case .overflow:
            self = .ledgerOverflow
        }
    }
}
