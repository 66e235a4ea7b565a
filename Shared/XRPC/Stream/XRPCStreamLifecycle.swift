import Synchronization

/// Shared between a stream's event-loop record and the task running its call: whether the
/// stream has ended, and a way for that task to wait until it is aborted (reset by the peer,
/// past its deadline, or its connection lost).
final class XRPCStreamLifecycle: Sendable {
    private struct State {
        var closedReason: XRPCStreamClosure?
        var waiter: CheckedContinuation<XRPCStreamClosure?, Never>?
        /// The stream's one slot for a large message is taken: a producer has claimed it (its
        /// message may still be on its way to the event loop) or the message is queued for the
        /// connection's round-robin writer.
        var queueFull = false
        var queueWaiter: CheckedContinuation<Void, Never>?
        /// Flow-control credit left for the producer's messages; nil: not limited.
        var sendCredit: Int?
        var creditWaiter: (continuation: CheckedContinuation<Void, Never>, bytes: Int)?
    }

    private let state = Mutex(State())

    init() {}

    /// Why the stream ended early, if it did.
    var closure: XRPCStreamClosure? { self.state.withLock { $0.closedReason } }

    /// Whether the stream has ended, for whatever reason.
    var isClosed: Bool { self.closure != nil }

    /// Marks the stream ended; wakes the task waiting in `waitForAbort`.
    func close(_ reason: XRPCStreamClosure) {
        typealias Waiters = (CheckedContinuation<XRPCStreamClosure?, Never>?, CheckedContinuation<Void, Never>?, CheckedContinuation<Void, Never>?)
        let (waiter, queueWaiter, creditWaiter) = self.state.withLock { state -> Waiters in
            guard state.closedReason == nil else { return (nil, nil, nil) }
            state.closedReason = reason
            defer {
                state.waiter = nil
                state.queueWaiter = nil
                state.creditWaiter = nil
            }
            return (state.waiter, state.queueWaiter, state.creditWaiter?.continuation)
        }
        waiter?.resume(returning: reason)
        queueWaiter?.resume()
        creditWaiter?.resume()
    }

    /// Whether the stream's slot for a large message is taken (for tests).
    var isQueueFull: Bool { self.state.withLock { $0.queueFull } }

    /// Called on the event loop when the stream's queue of fragments fills or empties (the
    /// claimed message has been written out, or dropped).
    func setQueueFull(_ full: Bool) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.queueFull = full
            guard !full, let waiter = state.queueWaiter else { return nil }
            // The waiting producer's claim is taken on its behalf, so no other write slips in.
            state.queueWaiter = nil
            state.queueFull = true
            return waiter
        }
        waiter?.resume()
    }

    /// Suspends while the stream's previous large message is still queued, then claims the slot
    /// for the caller's message, so each stream has at most one message on its way to or waiting
    /// for the writer. Returns at once once the stream has ended.
    ///
    /// The claim is taken here, by the producer, rather than when the event loop queues the
    /// message: the message reaches the event loop later, and a producer that only looked at the
    /// slot could submit any number of messages before the first was queued (on a loaded machine
    /// a handler got 110 MB ahead of a client that had stopped reading that way). The event loop
    /// frees the slot when the message's last fragment is written (`setQueueFull(false)`).
    func waitForQueueRoom() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = self.state.withLock { state -> Bool in
                if state.closedReason != nil { return true }
                if !state.queueFull {
                    state.queueFull = true
                    return true
                }
                state.queueWaiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Event loop: the producer's messages are limited by the peer's stream window, starting
    /// with `initialCredit` bytes.
    func limitSendCredit(to initialCredit: Int) {
        self.state.withLock { $0.sendCredit = initialCredit }
    }

    /// Event loop: a WINDOW_UPDATE gave the stream more credit.
    func addSendCredit(_ bytes: Int) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let credit = state.sendCredit else { return nil }
            state.sendCredit = credit + bytes
            guard credit + bytes > 0, let waiter = state.creditWaiter else { return nil }
            state.creditWaiter = nil
            state.sendCredit = credit + bytes - waiter.bytes
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Suspends while the stream has no flow-control credit left, then takes `bytes` of it (the
    /// credit may go below zero: a message is never split for this). So a producer whose peer
    /// reads slowly waits here, with at most one window plus one message of its stream buffered
    /// on this side. Returns at once when not limited or once the stream has ended.
    func waitForSendCredit(_ bytes: Int) async {
        // Most writes have credit: taking it without a continuation keeps them off the slow path
        // (every request and response message comes through here).
        let taken = self.state.withLock { state -> Bool in
            guard let credit = state.sendCredit, state.closedReason == nil else { return true }
            guard credit > 0 else { return false }
            state.sendCredit = credit - bytes
            return true
        }
        if taken { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = self.state.withLock { state -> Bool in
                guard let credit = state.sendCredit, state.closedReason == nil else { return true }
                if credit > 0 {
                    state.sendCredit = credit - bytes
                    return true
                }
                state.creditWaiter = (continuation, bytes)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Takes `bytes` of credit without waiting, for a message that is sent regardless: a client
    /// re-sending a call replays what the caller already wrote, and later writes must see that
    /// credit as used.
    func takeSendCredit(_ bytes: Int) {
        self.state.withLock { state in
            if let credit = state.sendCredit { state.sendCredit = credit - bytes }
        }
    }

    /// Whether a producer is waiting for flow-control credit (for tests).
    var isWaitingForSendCredit: Bool { self.state.withLock { $0.creditWaiter != nil } }

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
