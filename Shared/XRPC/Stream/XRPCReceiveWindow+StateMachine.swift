/// The receiving side of one stream's flow-control window (docs/PROTOCOL.md §10.8). Pure: the
/// caller reports bytes received (event loop) and consumed (the application), and sends the
/// WINDOW_UPDATE increments it returns.
///
/// Credit goes back as the application consumes, never on arrival: so a stream whose reader is
/// slow holds at most one window of bytes, and only its own sender waits. It goes back in batches,
/// when half the window has been consumed or the peer's remaining credit is down to half, so a
/// fast reader costs one WINDOW_UPDATE per half window rather than one per message; and a sender
/// that has used up its credit always gets some back once the reader has caught up with every
/// complete message (the bytes of a message still arriving cannot be consumed yet, which is why
/// the window is at least one whole message).
struct XRPCReceiveWindowStateMachine {
    enum ReceiveResult: Equatable {
        /// Within the window; send WINDOW_UPDATE with `grant` now, if it is not nil.
        case accepted(grant: Int?)
        /// The peer sent more than its credit: FLOW_CONTROL_ERROR on the stream.
        case overflow(available: Int)
    }

    let initialWindow: Int
    /// What the peer may still send: the initial window plus what was granted, minus what arrived.
    private(set) var available: Int
    /// Consumed by the application and not yet granted back.
    private(set) var consumedNotGranted = 0

    init(initialWindow: Int) {
        self.initialWindow = max(1, initialWindow)
        self.available = self.initialWindow
    }

    /// MESSAGE payload bytes arrived.
    mutating func received(_ bytes: Int) -> ReceiveResult {
        guard bytes <= self.available else { return .overflow(available: self.available) }
        self.available -= bytes
        return .accepted(grant: self.grantIfDue())
    }

    /// The application consumed `bytes` of what arrived. Returns the increment to send now, if any.
    mutating func consumed(_ bytes: Int) -> Int? {
        guard bytes > 0 else { return nil }
        self.consumedNotGranted += bytes
        return self.grantIfDue()
    }

    private mutating func grantIfDue() -> Int? {
        let half = self.initialWindow / 2
        guard self.consumedNotGranted > 0, self.consumedNotGranted >= half || self.available <= half else { return nil }
        let increment = self.consumedNotGranted
        self.consumedNotGranted = 0
        self.available += increment
        return increment
    }
}
