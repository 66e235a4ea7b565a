import IssuanceService
import Logging
import ServiceLifecycle

/// Issuance's background upkeep: releases checkout locks whose time-to-live has passed, every
/// few seconds, so abandoned checkouts give their coupons back. Stops at graceful shutdown; a
/// pass is one transaction per batch, so stopping between passes leaves nothing half done.
struct SweeperService: Service {
    /// Seconds between passes: a lock outlives its TTL by at most this much.
    static let interval: Duration = .seconds(5)

    let service: IssuanceService
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await self.pass()
                    try await Task.sleep(for: Self.interval)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown cancelled the sleep.
        }
    }

    private func pass() async {
        do {
            // Drain in batches so a backlog after downtime is cleared in one pass.
            while try await self.service.releaseExpiredLocks(limit: 500) == 500 {}
        } catch is CancellationError {
        } catch {
            // A failed pass is retried at the next one; the locks stay until then.
            self.logger.warning("releasing expired locks failed", metadata: ["error": "\(error)"])
        }
    }
}
