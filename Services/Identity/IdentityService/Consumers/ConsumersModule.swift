import Foundation
import GRDB
import GRPCCore
import Logging
import VoucherdModel
import VoucherdStore

/// Consumers, members and tiers, the points ledger, devices, referrals, consents, export and
/// erasure.
///
/// Handlers in `IdentityService+Consumers.swift` check the caller's role with ``ConsumerAccess``
/// and call in here; every change runs in one `writer.write` body together with its audit entry,
/// its outbox event and, for ledger calls, its idempotency record.
struct ConsumersModule: Sendable {
    let environment: IdentityEnvironment

    init(environment: IdentityEnvironment) {
        self.environment = environment
    }

    var members: MemberPolicy { environment.configuration.members }
    var referrals: ReferralPolicy { environment.configuration.referrals }

    /// The current time in store units (microseconds since the epoch, UTC).
    func nowMicros() -> Int64 {
        Self.micros(environment.now())
    }

    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The principal an access token for this consumer carries (role consumer, current tier).
    /// Used by the accounts module's IssueConsumerToken and RefreshToken.
    /// - Throws: `RPCError` `.notFound` for an unknown consumer, `.failedPrecondition` for an
    ///   erased one.
    func tokenPrincipal(consumerID: String) async throws -> Principal {
        do {
            let record = try await environment.store.pool.read { db in
                try ConsumerRecord.fetchLive(id: consumerID, in: db)
            }
            return Principal(subject: record.id, role: .consumer, tier: record.tier.rawValue)
        } catch let error as ConsumerError {
            throw RPCError(error)
        }
    }

    /// Runs a handler's body with the call's principal and turns every error into what may cross
    /// the wire: domain errors keep their code and message, anything else becomes INTERNAL with a
    /// generic message while the details go to the log.
    func handle<Response: Sendable>(
        _ method: String, _ body: (Principal) async throws -> Response
    ) async throws -> Response {
        let principal = try Principal.required()
        do {
            return try await body(principal)
        } catch let error as RPCError {
            throw error
        } catch let error as ConsumerError {
            throw RPCError(error)
        } catch {
            environment.logger.error(
                "consumers call failed", metadata: ["method": "\(method)", "error": "\(String(reflecting: error))"])
            throw RPCError(code: .internalError, message: "The identity service failed to handle the request.")
        }
    }
}
