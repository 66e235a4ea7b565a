import Foundation
import GRPCCore
import VoucherdModel

/// Consumers, members and tiers, the points ledger, devices, referrals, consents, export and
/// erasure.
struct ConsumersModule: Sendable {
    let environment: IdentityEnvironment

    init(environment: IdentityEnvironment) {
        self.environment = environment
    }

    /// The principal an access token for this consumer carries (role consumer, current tier).
    /// Used by the accounts module's IssueConsumerToken and RefreshToken.
    /// - Throws: `RPCError` `.notFound` for an unknown consumer, `.failedPrecondition` for an
    ///   erased one.
    func tokenPrincipal(consumerID: String) async throws -> Principal {
        throw RPCError(code: .notFound, message: "consumer_id '\(consumerID)' does not exist.")
    }
}
