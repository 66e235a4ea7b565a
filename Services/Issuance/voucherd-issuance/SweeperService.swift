import Foundation
import IssuanceService
import Logging
import ServiceLifecycle

/// Issuance's background upkeep, one pass every ``interval`` (the first at start, which is what
/// finishes the work a crash interrupted):
/// - releases checkout locks whose time-to-live has passed, so abandoned checkouts give their
///   coupons back (invariant 3: a lock ends within its TTL plus one sweep);
/// - expires coupons whose validity ended and reminds holders before that;
/// - drives points-exchange sagas left half-way by a crash or an unreachable identity.
///
/// Each task runs in bounded writes, so the writer is never held for long and claims keep
/// flowing during a sweep. A failing task is logged and retried at the next pass; the others
/// still run. Stops at graceful shutdown, between writes, so nothing is left half done.
struct SweeperService: Service {
    /// Seconds between passes.
    static let interval: Duration = .seconds(5)
    /// Locks released per write.
    static let lockBatch = 500

    let service: IssuanceService
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await self.pass(now: Date())
                    try await Task.sleep(for: Self.interval)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown cancelled the sleep.
        }
    }

    /// One pass of every task.
    func pass(now: Date) async {
        await self.task("releasing expired locks") {
            var released = 0
            // Drain in batches so a backlog after downtime is cleared in one pass.
            while true {
                let count = try await self.service.releaseExpiredLocks(limit: Self.lockBatch)
                released += count
                if count < Self.lockBatch { return released }
            }
        }
        await self.task("expiring coupons") { try await self.service.expireDue(now: now) }
        await self.task("reminding holders of coupons about to expire") { try await self.service.remindExpiring(now: now) }
        await self.task("resuming points exchanges") { try await self.service.resumeSagas() }
    }

    private func task(_ name: String, _ body: () async throws -> Int) async {
        do {
            let count = try await body()
            if count > 0 { self.logger.info("\(name): \(count)") }
        } catch is CancellationError {
        } catch {
            self.logger.warning("\(name) failed; retried at the next pass", metadata: ["error": "\(error)"])
        }
    }
}
