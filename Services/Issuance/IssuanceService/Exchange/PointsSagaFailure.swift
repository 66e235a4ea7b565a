import GRPCCore

/// Why a points exchange was refused, stored so that every retry gets the first answer: a gRPC
/// status code number and the message.
struct PointsSagaFailure: Sendable, Hashable {
    var code: Int
    var message: String

    /// The refusal of an issuance error.
    init(_ error: IssuanceError) {
        self.code = error.rpcErrorCode.rawValue
        self.message = error.rpcErrorMessage
    }

    init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    /// The error the caller sees, with the stored code (FAILED_PRECONDITION for any other).
    var error: IssuanceError {
        switch self.code {
        case IssuanceError.notFound("").rpcErrorCode.rawValue: .notFound(self.message)
        case IssuanceError.permissionDenied("").rpcErrorCode.rawValue: .permissionDenied(self.message)
        case IssuanceError.resourceExhausted("").rpcErrorCode.rawValue: .resourceExhausted(self.message)
        default: .failedPrecondition(self.message)
        }
    }
}
