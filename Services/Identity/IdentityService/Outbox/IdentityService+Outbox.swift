public import GRPCCore
import Logging
public import VoucherdModel

// ReadOutbox: the services that consume identity's events and commands pull them.
extension IdentityService {
    /// One page of identity's outbox after `after_sequence`. Service or operator role, and the
    /// call's certificate identity in ``IdentityConfiguration/outboxReaders``.
    public func readOutbox(
        request: Voucherd_V1_ReadOutboxRequest,
        context: ServerContext
    ) async throws -> Voucherd_V1_ReadOutboxResponse {
        do {
            try self.requireOutboxReader(context)
            return try await self.outboxReading.read(request)
        } catch let error as RPCError {
            throw error
        } catch is CancellationError {
            throw RPCError(code: .cancelled, message: "The call was cancelled.")
        } catch {
            self.consumers.environment.logger.error(
                "identity call failed", metadata: ["method": "ReadOutbox", "error": "\(String(reflecting: error))"])
            throw RPCError(code: .internalError, message: "Internal error.")
        }
    }

    /// The role alone is not enough: every gateway holds a service token, and the outbox carries
    /// every consumer's referral commands and every change's facts. The certificate identity
    /// limits it to the deployed consumers of those records.
    private func requireOutboxReader(_ context: ServerContext) throws(RPCError) {
        let principal = try Principal.required()
        try principal.require(.service, .operator)
        let environment = self.consumers.environment
        guard let identity = environment.callers.serviceIdentity(of: context),
            environment.configuration.outboxReaders.contains(identity)
        else {
            throw RPCError(
                code: .permissionDenied,
                message: "ReadOutbox is for the services listed in identity's outbox-readers; this certificate is not one of them.")
        }
    }

    private var outboxReading: OutboxReading {
        OutboxReading(store: self.consumers.environment.store, outbox: self.consumers.environment.outbox)
    }
}
