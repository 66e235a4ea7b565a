import Synchronization

/// Whether the connection's outbound buffer has room, shared between its event loop and the tasks
/// producing messages: producers of messages written at once wait here while the channel is
/// unwritable, so a peer that stops reading cannot make this side buffer without bound. (Large
/// messages, queued for the round-robin writer, wait on their own stream instead:
/// `XRPCStreamLifecycle.waitForQueueRoom`.)
final class XRPCWritabilityGate: Sendable {
    private struct State {
        var writable = true
        var closed = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Suspends while the channel is unwritable; returns at once when it is writable or closed
    /// (a write on a closed connection then fails in the usual way).
    func waitUntilWritable() async {
        if self.state.withLock({ $0.writable || $0.closed }) { return }
        // No cancellation handler: the connection's write-stall timeout bounds the wait, and a
        // closed connection releases every waiter.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = self.state.withLock { state -> Bool in
                if state.writable || state.closed { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Called on the event loop when the channel's writability changes.
    func setWritable(_ writable: Bool) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.writable = writable
            guard writable else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The connection is gone: nobody waits any more.
    func close() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
