import Foundation
import GRPCCore

/// What the accounts half of the identity service refuses, mapped onto gRPC status codes.
/// Messages name the field or the rule; they never include secrets or internals.
enum AccountsError: Error, Sendable, Hashable, RPCErrorConvertible {
    /// Bad input: `field` and what is wrong with it.
    case invalidArgument(field: String, reason: String)
    /// An id that does not exist.
    case notFound(field: String, id: String)
    /// A unique name already taken.
    case alreadyExists(field: String, value: String)
    /// Credentials (password, API key, refresh token) that do not check out.
    case unauthenticated(String)
    /// Too many failed logins; locked until the given time.
    case locked(until: Date)
    /// The target's state does not allow the change.
    case failedPrecondition(String)
    /// Outside the caller's role or merchant scope.
    case permissionDenied(String)

    /// The message every wrong username/password combination gets, so it does not reveal
    /// whether the username exists.
    static let wrongCredentials = AccountsError.unauthenticated("The username or password is wrong.")

    var rpcErrorCode: RPCError.Code {
        switch self {
        case .invalidArgument: .invalidArgument
        case .notFound: .notFound
        case .alreadyExists: .alreadyExists
        case .unauthenticated: .unauthenticated
        case .locked: .resourceExhausted
        case .failedPrecondition: .failedPrecondition
        case .permissionDenied: .permissionDenied
        }
    }

    var rpcErrorMessage: String {
        switch self {
        case .invalidArgument(let field, let reason):
            "\(field): \(reason)"
        case .notFound(let field, let id):
            "\(field): '\(id.prefix(80))' does not exist."
        case .alreadyExists(let field, let value):
            "\(field): '\(value.prefix(80))' is already taken."
        case .unauthenticated(let message), .failedPrecondition(let message),
            .permissionDenied(let message):
            message
        case .locked(let until):
            "Too many failed logins: the account is locked until "
                + "\(ISO8601DateFormatter().string(from: until))."
        }
    }
}

/// An internal inconsistency: logged in full, answered as a generic internal error.
enum AccountsInternalError: Error, Sendable {
    case inconsistent(String)
}
