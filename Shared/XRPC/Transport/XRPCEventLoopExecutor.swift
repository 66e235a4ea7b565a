public import NIOCore

/// Runs a connection's call handlers on the connection's own event loop.
///
/// Without it every call crosses threads twice: the event loop decodes the request and wakes a
/// thread of Swift's global pool to run the handler, whose response is handed back to the event
/// loop to be written. Each crossing is a futex wake-up and a context switch, which on a small
/// machine cost more than the handler itself. With a connection's calls preferring this executor,
/// a job enqueued from the event loop (a request arrived, a read completed) is appended to the
/// loop's own task queue and runs in the same or the next loop iteration, and writes made by the
/// handler find themselves already on the loop.
///
/// Handlers must therefore not block: awaiting is fine (the store's reads and writes run on their
/// own queues and resume here), a long synchronous computation delays every other call on the
/// loop. Handlers that compute for long hop off explicitly (`XRPCServerTransport.Config`'s
/// `handlersOnEventLoop` turns this off for a whole server).
public final class XRPCEventLoopExecutor: TaskExecutor {
    /// The loop the jobs run on.
    public let eventLoop: any EventLoop

    /// Creates an executor for `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // `self` is captured so the executor outlives every job it runs.
        self.eventLoop.execute { [self] in
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
