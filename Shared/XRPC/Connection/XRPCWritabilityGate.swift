import NIOCore
import Synchronization

/// Bounds what producers (handlers on the server, callers on the client) hand the connection's
/// event loop, so a peer that stops reading cannot make this side buffer without bound.
///
/// Checking the channel's writability alone is not enough: a message reaches the channel only
/// once the event loop has run the producer's submission, and until then the channel cannot
/// count it. Any number of producers could pass the check in that window (one producer too,
/// writing message after message while the loop was busy) and overshoot the high watermark by
/// as much as they liked. So a producer of a message written at once *reserves* its bytes here
/// before submitting it: while reservations not yet flushed into the channel reach
/// `inFlightLimit`, further producers wait, in order. The event loop releases the bytes once it
/// has flushed the message, from when on the channel's watermarks count them. (Large messages,
/// queued for the round-robin writer, wait on their own stream instead:
/// `XRPCStreamLifecycle.waitForQueueRoom`.)
final class XRPCWritabilityGate: Sendable {
    private struct Waiter {
        var bytes: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var writable = true
        var closed = false
        /// Bytes reserved and not yet released by the event loop.
        var inFlight = 0
        /// Producers waiting to reserve, first come first served, so a large reservation is not
        /// overtaken forever by small ones.
        var reservers = CircularBuffer<Waiter>()
        /// Producers of metadata and status, which only wait for writability.
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    let inFlightLimit: Int

    /// - Parameter inFlightLimit: the most bytes reserved at once (a reservation made when none
    ///   is outstanding always passes, so a message larger than the limit is not stuck).
    init(inFlightLimit: Int) {
        self.inFlightLimit = max(1, inFlightLimit)
    }

    /// Bytes reserved and not yet released (for tests).
    var inFlight: Int { self.state.withLock { $0.inFlight } }

    /// Producers waiting for room (for tests).
    var waitingReservations: Int { self.state.withLock { $0.reservers.count } }

    /// Suspends while the channel is unwritable; returns at once when it is writable or closed
    /// (a write on a closed connection then fails in the usual way). Reserves nothing: for
    /// metadata and status, of which a stream has at most one each.
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

    /// Suspends until the channel is writable and `bytes` fit in flight, then reserves them. The
    /// caller hands the message to the event loop, which calls `release(bytes)` once flushed.
    /// On a closed connection it returns at once (the bytes are still counted; nobody waits any
    /// more).
    func reserve(_ bytes: Int) async {
        let admitted = self.state.withLock { state -> Bool in
            guard state.reservers.isEmpty, Self.admits(bytes, state: state, limit: self.inFlightLimit) else { return false }
            state.inFlight += bytes
            return true
        }
        if admitted { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = self.state.withLock { state -> Bool in
                if state.reservers.isEmpty, Self.admits(bytes, state: state, limit: self.inFlightLimit) {
                    state.inFlight += bytes
                    return true
                }
                state.reservers.append(Waiter(bytes: bytes, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Any thread: bytes reserved earlier are in the channel now (or were dropped).
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= bytes
            return Self.admitWaiting(&state, limit: self.inFlightLimit)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Called on the event loop when the channel's writability changes.
    func setWritable(_ writable: Bool) {
        let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.writable = writable
            guard writable else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters + Self.admitWaiting(&state, limit: self.inFlightLimit)
        }
        for continuation in ready { continuation.resume() }
    }

    /// The connection is gone: nobody waits any more.
    func close() {
        let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters + Self.admitWaiting(&state, limit: self.inFlightLimit)
        }
        for continuation in ready { continuation.resume() }
    }

    private static func admits(_ bytes: Int, state: State, limit: Int) -> Bool {
        if state.closed { return true }
        return state.writable && (state.inFlight <= 0 || state.inFlight + bytes <= limit)
    }

    /// Takes waiting reservers off the front while they fit.
    private static func admitWaiting(_ state: inout State, limit: Int) -> [CheckedContinuation<Void, Never>] {
        var ready: [CheckedContinuation<Void, Never>] = []
        while let first = state.reservers.first, Self.admits(first.bytes, state: state, limit: limit) {
            state.reservers.removeFirst()
            state.inFlight += first.bytes
            ready.append(first.continuation)
        }
        return ready
    }
}
