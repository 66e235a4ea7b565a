public import Logging
public import ServiceLifecycle
public import VoucherdStore

/// Runs an ``VoucherdStore/OutboxRelay`` as a ServiceLifecycle `Service`: ``run()`` relays
/// until a graceful shutdown (SIGTERM through a `ServiceGroup`, or `triggerGracefulShutdown()`),
/// which stops the relay's loop and then makes one final `OutboxRelay.deliverPending()` pass, so
/// events committed before shutdown are shipped if the destination is reachable. A failure of
/// that final pass is logged, not thrown: the events stay in the outbox and the next relay on the
/// same store resumes from the acknowledged position.
///
/// Cancelling the task running ``run()`` stops the loop without a final pass. The final pass is
/// not otherwise time-limited; a `ServiceGroup`'s graceful-shutdown timeout bounds it.
///
/// ## Ordering in a `ServiceGroup`
///
/// A `ServiceGroup` stops its services in the reverse order of its `services` array. Put this
/// service after the ``StoreWriterService`` and before the ``XRPCServerService``:
/// `[writerService, outboxRelayService, xrpcServerService]`. The server then stops first (so
/// every event its calls append is in the outbox before the final pass), the outbox is flushed
/// next, and the writer closes last.
public struct OutboxRelayService: Service {
    /// The wrapped relay.
    public let relay: OutboxRelay
    private let logger: Logger

    /// Wraps a relay.
    /// - Parameters:
    ///   - relay: the relay whose loop this service owns; nothing else may run it.
    ///   - logger: receives the outcome of the final pass at shutdown.
    public init(relay: OutboxRelay, logger: Logger) {
        self.relay = relay
        self.logger = logger
    }

    /// Relays until graceful shutdown, then makes the final delivery pass.
    /// - Throws: whatever the relay's loop throws; never the final pass's error.
    public func run() async throws {
        let relay = self.relay
        try await cancelWhenGracefulShutdown {
            try await relay.run()
        }
        // Cancelled outright rather than shut down gracefully: no time for a final pass.
        guard !Task.isCancelled else { return }
        let metadata: Logger.Metadata = [
            "producer": "\(relay.producer)", "destination": "\(relay.destinationName)",
        ]
        do {
            let delivered = try await relay.deliverPending()
            logger.info(
                "outbox flushed at shutdown",
                metadata: metadata.merging(["delivered": "\(delivered)"]) { $1 })
        } catch {
            logger.error(
                "outbox flush at shutdown failed; events stay pending",
                metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }
}
