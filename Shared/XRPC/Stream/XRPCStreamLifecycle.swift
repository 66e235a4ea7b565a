import Synchronization

/// Shared between a stream's event-loop record and the task running its call: whether the
/// stream has ended, and a way for that task to wait until it is aborted (reset by the peer,
/// past its deadline, or its connection lost).
final class XRPCStreamLifecycle: Sendable {
    private struct State {
        var closedReason: XRPCStreamClosure?
        var waiter: CheckedContinuation<XRPCStreamClosure?, Never>?
        /// The stream has a large message queued for the connection's round-robin writer.
        var queueFull = false
        var queueWaiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    init() {}

    /// Why the stream ended early, if it did.
    var closure: XRPCStreamClosure? { self.state.withLock { $0.closedReason } }

    /// Whether the stream has ended, for whatever reason.
    var isClosed: Bool { self.closure != nil }

    /// Marks the stream ended; wakes the task waiting in `waitForAbort`.
    func close(_ reason: XRPCStreamClosure) {
        let (waiter, queueWaiter) = self.state.withLock { state -> (CheckedContinuation<XRPCStreamClosure?, Never>?, CheckedContinuation<Void, Never>?) in
            guard state.closedReason == nil else { return (nil, nil) }
            state.closedReason = reason
            defer {
                state.waiter = nil
                state.queueWaiter = nil
            }
            return (state.waiter, state.queueWaiter)
        }
        waiter?.resume(returning: reason)
        queueWaiter?.resume()
    }

    /// Called on the event loop when the stream's queue of fragments fills or empties.
    func setQueueFull(_ full: Bool) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.queueFull = full
            guard !full else { return nil }
            defer { state.queueWaiter = nil }
            return state.queueWaiter
        }
        waiter?.resume()
    }

    /// Suspends while the stream's previous large message is still queued, so each stream has at
    /// most one message waiting for the writer. Returns at once once the stream has ended.
    func waitForQueueRoom() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = self.state.withLock { state -> Bool in
                if !state.queueFull || state.closedReason != nil { return true }
                state.queueWaiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Suspends until the stream is closed early, or the calling task is cancelled (then nil).
    func waitForAbort() async -> XRPCStreamClosure? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<XRPCStreamClosure?, Never>) in
                let immediate: XRPCStreamClosure?? = self.state.withLock { state in
                    if let reason = state.closedReason { return .some(reason) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}

/// Why a stream ended before its call completed normally.
enum XRPCStreamClosure: Sendable, Equatable {
    /// Completed normally (TRAILERS sent or received).
    case completed
    /// The peer sent RST with this code.
    case resetByPeer(XRPCErrorCode)
    /// This side reset it.
    case resetLocally
    /// Its deadline passed.
    case deadlineExceeded
    /// The connection closed under it.
    case connectionClosed
}
