import GRPCCore
import VoucherdModel

/// Who may call a consumers method. Merchants and their staff may call none of them; operators
/// all of them; services and the consumer itself as the proto says per method.
enum ConsumerAccess {
    /// Consumer self, service, operator.
    case selfServiceOperator
    /// Service and operator only.
    case serviceOperator
    /// Consumer self and operator (erasure).
    case selfOperator

    /// Checks `principal` against the policy for an action on `consumerID`.
    /// - Throws: ``ConsumerError/permissionDenied(_:)``.
    func check(_ principal: Principal, consumerID: String) throws(ConsumerError) {
        switch principal.role {
        case .operator:
            return
        case .service:
            if self != .selfOperator { return }
        case .consumer:
            guard self != .serviceOperator else { break }
            if principal.subject == consumerID { return }
            throw .permissionDenied("A consumer may act only on its own consumer id.")
        case .merchant, .merchantStaff:
            break
        }
        throw .permissionDenied("Role '\(principal.role.rawValue)' may not call this method.")
    }
}
