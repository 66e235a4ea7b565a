public import ServiceLifecycle
public import VoucherdStore

/// Runs a store's ``VoucherdStore/GroupCommitWriter`` draining loop as a ServiceLifecycle
/// `Service`: ``run()`` drains, and a graceful shutdown (SIGTERM through a `ServiceGroup`, or
/// `triggerGracefulShutdown()`) calls `GroupCommitWriter.close()`, which stops accepting
/// requests, commits everything already queued and makes ``run()`` return. Writes that were
/// answered successfully are therefore durable before the process exits; writes submitted after
/// shutdown began fail with `GroupCommitError.closed`.
///
/// Cancelling the task running ``run()`` (for example after the group's graceful-shutdown
/// timeout) also stops the writer; it still drains the queue.
///
/// ## Ordering in a `ServiceGroup`
///
/// A `ServiceGroup` stops its services in the reverse order of its `services` array. Put this
/// service **first**, the ``OutboxRelayService`` after it, and the ``XRPCServerService`` (and
/// anything else that writes) **after both**:
///
/// ```swift
/// ServiceGroup(
///     services: [writerService, outboxRelayService, xrpcServerService],
///     gracefulShutdownSignals: [.sigterm],
///     logger: logger)
/// ```
///
/// so on shutdown the server stops first (its calls in flight still write), then the outbox is
/// flushed, and the writer closes last.
public struct StoreWriterService: Service {
    /// The wrapped writer.
    public let writer: GroupCommitWriter

    /// Wraps a writer.
    /// - Parameter writer: the writer whose `run()` this service owns; nothing else may run it.
    public init(writer: GroupCommitWriter) {
        self.writer = writer
    }

    /// Drains the writer's queue until graceful shutdown (or cancellation) has closed the writer
    /// and every queued request has been committed or failed.
    public func run() async {
        let writer = self.writer
        let (shutdown, signal) = AsyncStream<Void>.makeStream()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await writer.run() }
                group.addTask {
                    // Ends when graceful shutdown finishes the stream, or when cancelled because
                    // the loop has already returned; `close()` is harmless in the latter case.
                    for await _ in shutdown {}
                    await writer.close()
                }
                await group.next()
                group.cancelAll()
                await group.waitForAll()
            }
        } onGracefulShutdown: {
            signal.finish()
        }
    }
}
