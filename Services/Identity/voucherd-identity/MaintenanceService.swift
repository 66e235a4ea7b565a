import IdentityService
import ServiceLifecycle

/// Identity's background upkeep (`IdentityService.runMaintenance()`: signing-key rotation,
/// retiring keys, purging idempotency records) as a lifecycle `Service` that stops at graceful
/// shutdown.
struct MaintenanceService: Service {
    let service: IdentityService

    func run() async throws {
        let service = self.service
        do {
            try await cancelWhenGracefulShutdown {
                try await service.runMaintenance()
            }
        } catch is CancellationError {
            // Graceful shutdown cancelled the loop; nothing is half done between passes.
        }
    }
}
