import Synchronization

/// Shared between a stream's event-loop record and the task running its call: whether the
/// stream has ended, and a way for that task to wait until it is aborted (reset by the peer,
/// past its deadline, or its connection lost).
final class XRPCStreamLifecycle: Sendable {
    private struct State {
        var closedReason: XRPCStreamClosure?
        var waiter: CheckedContinuation<XRPCStreamClosure?, Never>?
    }

    private let state = Mutex(State())

    init() {}

    /// Why the stream ended early, if it did.
    var closure: XRPCStreamClosure? { self.state.withLock { $0.closedReason } }

    /// Whether the stream has ended, for whatever reason.
    var isClosed: Bool { self.closure != nil }

    /// Marks the stream ended; wakes the task waiting in `waitForAbort`.
    func close(_ reason: XRPCStreamClosure) {
        let waiter = self.state.withLock { state -> CheckedContinuation<XRPCStreamClosure?, Never>? in
            guard state.closedReason == nil else { return nil }
            state.closedReason = reason
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: reason)
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
