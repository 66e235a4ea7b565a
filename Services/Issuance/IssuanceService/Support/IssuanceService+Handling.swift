import Foundation
import GRPCCore
import GRDB
import Logging
import VoucherdModel
import VoucherdStore

extension IssuanceService {
    /// Runs a handler body and turns whatever it throws into what may cross the wire: domain
    /// errors and `RPCError`s (authentication, authorization) as they are, idempotency-key
    /// reuse as FAILED_PRECONDITION, and anything else as a generic internal error whose details
    /// go to the log only.
    func handling<T>(_ method: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as IssuanceError {
            throw error
        } catch let error as RPCError {
            throw error
        } catch is StockExhausted {
            throw IssuanceError.resourceExhausted("The campaign is out of stock.")
        } catch is IdempotencyError {
            throw IssuanceError.failedPrecondition(
                "idempotency_key was already used for a different request; use a new key.")
        } catch {
            self.environment.logger.error(
                "unexpected error", metadata: ["method": "\(method)", "error": "\(String(reflecting: error))"])
            throw IssuanceError.internalError
        }
    }

    /// ``handling(_:_:)`` for calls that compute for long stretches (generating and exporting
    /// codes): the server runs a connection's calls on its event loop (`XRPCEventLoopExecutor`),
    /// where seconds of sorting and formatting would hold up every other call on that loop, so
    /// these run on the global pool instead.
    func handlingOffTheEventLoop<T>(_ method: String, _ body: () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(globalConcurrentExecutor) {
            try await self.handling(method, body)
        }
    }
}
