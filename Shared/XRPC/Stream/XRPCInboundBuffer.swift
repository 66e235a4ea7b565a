import GRPCCore
import NIOCore
import Synchronization

/// The parts a stream has received, handed from the event loop to the task consuming them.
///
/// The event loop pushes; one task iterates. Bytes held here count against the connection's
/// `XRPCInboundBudget`, which stops reading from the socket while consumers lag, so a fast
/// sender cannot grow memory without bound.
///
/// Not an `AsyncSequence` itself: GRPCCore reaches sequences through type-erased wrappers, where
/// a generic class's code runs unspecialized. Consumers wrap it in a concrete sequence
/// (`XRPCServerInbound`, `XRPCClientCall.Inbound`) and call `next()` with the element type known,
/// so the optimizer specializes it.
final class XRPCInboundBuffer<Element: Sendable>: Sendable {

    private struct State {
        var queue = CircularBuffer<(Element, Int)>(initialCapacity: 4)
        var waiter: CheckedContinuation<Element?, any Error>?
        var end: Result<Void, any Error>?
    }

    private let state = Mutex(State())
    private let budget: XRPCInboundBudget?

    init(budget: XRPCInboundBudget?) {
        self.budget = budget
    }

    /// Event loop: appends a part; `bytes` is what it holds against the budget.
    func push(_ element: Element, bytes: Int = 0) {
        let waiter: CheckedContinuation<Element?, any Error>? = self.state.withLock { state in
            guard state.end == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.queue.append((element, bytes))
            self.budget?.add(bytes)
            return nil
        }
        guard let waiter else { return }
        // Consumed the moment it arrived: its flow-control credit goes back at once.
        self.budget?.consumedOnArrival(bytes)
        waiter.resume(returning: element)
    }

    /// Event loop: no more parts. Without an error, queued parts are still delivered, then the
    /// sequence ends. With an error, queued parts are dropped and the consumer sees the error
    /// next: a reset, a deadline or a lost connection makes them meaningless.
    /// - Parameter afterQueued: deliver the parts already queued before the error, for errors
    ///   that concern only what comes next (a message over the limit must not hide the request
    ///   metadata the handler has not read yet).
    func finish(throwing error: (any Error)? = nil, afterQueued: Bool = false) {
        let (waiter, dropped): (CheckedContinuation<Element?, any Error>?, Int) = self.state.withLock { state in
            guard state.end == nil else { return (nil, 0) }
            var dropped = 0
            if let error {
                state.end = .failure(error)
                if !afterQueued {
                    while let (_, bytes) = state.queue.popFirst() { dropped += bytes }
                }
            } else {
                state.end = .success(())
            }
            guard state.queue.isEmpty, let waiter = state.waiter else { return (nil, dropped) }
            state.waiter = nil
            return (waiter, dropped)
        }
        if dropped > 0 { self.budget?.release(dropped) }
        guard let waiter else { return }
        if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
    }

    /// The consumer is done with the stream: parts it never read are dropped and their bytes
    /// returned to the connection's budget. Without this, a handler that stops reading early
    /// would leave its bytes counted forever, and the connection would eventually stop reading.
    func discard() {
        let (dropped, waiter): (Int, CheckedContinuation<Element?, any Error>?) = self.state.withLock { state in
            var dropped = 0
            while let (_, bytes) = state.queue.popFirst() { dropped += bytes }
            if state.end == nil { state.end = .success(()) }
            defer { state.waiter = nil }
            return (dropped, state.waiter)
        }
        if dropped > 0 { self.budget?.release(dropped) }
        waiter?.resume(returning: nil)
    }

    func next() async throws -> Element? {
        // A part that is already here needs no continuation: most calls' parts arrive before
        // they are asked for.
        if let result = self.poll() { return try result.get() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
                let result: Result<Element?, any Error>? = self.state.withLock { state in
                    if let (element, bytes) = state.queue.popFirst() {
                        self.budget?.release(bytes)
                        return .success(element)
                    }
                    if let end = state.end {
                        return end.map { nil }
                    }
                    if Task.isCancelled {
                        return .failure(Self.cancelled)
                    }
                    state.waiter = continuation
                    return nil
                }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: Self.cancelled)
        }
    }

    /// A queued part, or the end; nil when the consumer has to wait.
    private func poll() -> Result<Element?, any Error>? {
        self.state.withLock { state in
            if let (element, bytes) = state.queue.popFirst() {
                self.budget?.release(bytes)
                return .success(element)
            }
            if let end = state.end {
                return end.map { nil }
            }
            return nil
        }
    }

    /// What a consumer whose task is cancelled sees: gRPC's CANCELLED, so the caller gets a
    /// status rather than an opaque `CancellationError` wrapped as UNKNOWN.
    private static var cancelled: RPCError {
        RPCError(code: .cancelled, message: "the call was cancelled")
    }

}

/// Counts the bytes a connection holds in its streams' inbound buffers, and tells the event
/// loop to resume reading once consumers have drained enough.
final class XRPCInboundBudget: Sendable {
    private struct State {
        var bytes = 0
        var paused = false
    }

    private let state = Mutex(State())
    private let highWatermark: Int
    private let lowWatermark: Int
    private let resume: @Sendable () -> Void
    /// A stream's budget counts into its connection's, and reports what its consumer is done
    /// with, for flow control (`XRPCReceiveWindow`).
    private let parent: XRPCInboundBudget?
    private let onConsumed: (@Sendable (Int) -> Void)?

    /// - Parameters:
    ///   - highWatermark: stop reading above this many buffered bytes.
    ///   - resume: called (from any thread) when reading may resume.
    init(highWatermark: Int, resume: @escaping @Sendable () -> Void) {
        self.highWatermark = highWatermark
        self.lowWatermark = highWatermark / 2
        self.resume = resume
        self.parent = nil
        self.onConsumed = nil
    }

    /// A stream's budget: bytes count into `parent` (the connection's), and `onConsumed` hears
    /// of every byte the stream's consumer takes or drops. Never pauses reading by itself.
    init(parent: XRPCInboundBudget?, onConsumed: @escaping @Sendable (Int) -> Void) {
        self.highWatermark = .max
        self.lowWatermark = .max
        self.resume = {}
        self.parent = parent
        self.onConsumed = onConsumed
    }

    /// Bytes handed straight to a waiting consumer, never held.
    func consumedOnArrival(_ bytes: Int) {
        guard bytes > 0 else { return }
        self.onConsumed?(bytes)
    }

    func add(_ bytes: Int) {
        guard bytes > 0 else { return }
        self.state.withLock { $0.bytes += bytes }
        self.parent?.add(bytes)
    }

    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        let shouldResume = self.state.withLock { state in
            state.bytes -= bytes
            guard state.paused, state.bytes <= self.lowWatermark else { return false }
            state.paused = false
            return true
        }
        if shouldResume { self.resume() }
        self.parent?.release(bytes)
        self.onConsumed?(bytes)
    }

    /// Event loop: whether to stop reading now. Records the pause, so the consumer that drains
    /// below the low watermark triggers `resume` exactly once.
    func shouldPause() -> Bool {
        self.state.withLock { state in
            if state.bytes > self.highWatermark { state.paused = true }
            return state.paused
        }
    }
}
