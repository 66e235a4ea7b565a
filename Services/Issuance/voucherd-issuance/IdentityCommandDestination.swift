import GRPCCore
import Logging
import Metrics
import SwiftProtobuf
import VoucherdModel
import VoucherdStore
import XRPC

/// Delivers issuance's commands for identity from its outbox: `identity.accrue_points` (an
/// expired gift-card balance going back to points) becomes an AccruePoints call, idempotent by
/// the command's key, so a redelivery after a crash accrues once. Every other event type is not
/// identity's business and is passed over (acknowledged).
///
/// A command identity refuses for good (the consumer was erased, the request is malformed) is
/// logged, counted in `voucherd_issuance_commands_rejected_total` and passed over: retrying it
/// would stall every command behind it. A refusal that configuration can fix (PERMISSION_DENIED,
/// UNAUTHENTICATED) or an unreachable identity stops the batch at that command; the relay retries
/// it with backoff, so no command is skipped for a transient reason.
struct IdentityCommandDestination: OutboxDestination {
    static let accrueType = "identity.accrue_points"

    let client: Voucherd_V1_Identity.Client<XRPCClientTransport>
    let token: ServiceToken
    let logger: Logger
    private let rejected = Counter(label: "voucherd_issuance_commands_rejected_total", dimensions: [("type", Self.accrueType)])

    init(client: Voucherd_V1_Identity.Client<XRPCClientTransport>, token: ServiceToken, logger: Logger) {
        self.client = client
        self.token = token
        self.logger = logger
    }

    func deliver(_ events: [OutboxEvent]) async throws -> UInt64 {
        var accepted: UInt64?
        for event in events {
            do {
                if event.type == Self.accrueType {
                    try await self.accrue(event)
                }
                accepted = event.sequence
            } catch let error as RPCError where Self.isPermanent(error.code) {
                self.rejected.increment()
                self.logger.error(
                    "identity refused a command for good; passed over",
                    metadata: ["sequence": "\(event.sequence)", "type": "\(event.type)", "code": "\(error.code)", "error": "\(error.message)"])
                accepted = event.sequence
            } catch {
                // Transient: report what was delivered so far; the relay retries the rest.
                guard let accepted else { throw error }
                return accepted
            }
        }
        return accepted ?? 0
    }

    /// Refusals that repeat identically whatever we wait for.
    static func isPermanent(_ code: RPCError.Code) -> Bool {
        switch code {
        case .invalidArgument, .notFound, .failedPrecondition, .outOfRange, .alreadyExists: true
        default: false
        }
    }

    private func accrue(_ event: OutboxEvent) async throws {
        let command: Voucherd_V1_DomainEvent
        do {
            command = try Voucherd_V1_DomainEvent(serializedBytes: event.payload)
        } catch {
            throw RPCError(code: .invalidArgument, message: "undecodable command payload: \(error)")
        }
        let attributes = command.attributes
        var request = Voucherd_V1_AccruePointsRequest()
        request.consumerID = attributes["consumer_id"] ?? ""
        request.points = Int64(attributes["points"] ?? "") ?? 0
        request.reason = attributes["reason"] ?? ""
        request.reference = attributes["reference"] ?? ""
        request.idempotencyKey = attributes["idempotency_key"] ?? ""
        let metadata = try await self.token.metadata()
        do {
            _ = try await self.client.accruePoints(request, metadata: metadata)
        } catch let error as RPCError where error.code == .unauthenticated {
            // Identity retired the key our token was signed with: exchange the API key again.
            await self.token.invalidate()
            _ = try await self.client.accruePoints(request, metadata: try await self.token.metadata())
        }
    }
}
