import NIOCore

/// Rapid-reset policing for one server connection. Pure: the caller passes the time in.
///
/// The HTTP/2 "rapid reset" attack opens streams and resets them at once, over and over: each pair
/// costs the attacker two small frames but makes the server start (and stop) a handler, and never
/// holds a stream slot long enough for `max_concurrent_streams` to bite. So streams reset by the
/// peer are counted in fixed windows of `window`; more than `maxResets` in one window is answered
/// with GOAWAY ENHANCE_YOUR_CALM (docs/PROTOCOL.md §10.9). Like swift-nio-http2's
/// `maximumResetFrameCount`, a window starts at the first reset after the previous one ended.
struct XRPCResetRateStateMachine {
    enum Verdict: Equatable {
        /// Within the limit.
        case allow
        /// Over the limit: GOAWAY ENHANCE_YOUR_CALM, then close.
        case enhanceYourCalm(resets: Int)
    }

    /// nil disables the limit.
    let maxResets: Int?
    let window: TimeAmount
    private var windowStart: NIODeadline?
    private(set) var resets = 0

    init(maxResets: Int?, window: TimeAmount) {
        self.maxResets = maxResets.map { max(0, $0) }
        self.window = window
    }

    /// The peer reset one of its open streams at `now`.
    mutating func peerReset(at now: NIODeadline) -> Verdict {
        guard let maxResets = self.maxResets else { return .allow }
        if let start = self.windowStart, now - start < self.window {
            self.resets += 1
        } else {
            self.windowStart = now
            self.resets = 1
        }
        return self.resets > maxResets ? .enhanceYourCalm(resets: self.resets) : .allow
    }
}
