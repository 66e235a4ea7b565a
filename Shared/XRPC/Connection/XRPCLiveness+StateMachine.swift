import NIOCore

/// Keepalive and PING policing for one connection. Pure: the caller passes the time in and acts
/// on what it returns, so the rules can be tested without a channel or a clock.
///
/// Keepalive: when nothing has been received for `keepaliveInterval`, send a PING; if it is not
/// acknowledged within `keepaliveTimeout`, the peer is gone. Policing: a peer PING that arrives
/// less than `minPeerPingInterval` after the previous one, with no data (HEADERS, MESSAGE or
/// TRAILERS, either way) in between, is a strike; the strike after `maxPingStrikes` is answered
/// with ENHANCE_YOUR_CALM. Data clears the strikes, as in gRPC's HTTP/2 policy.
struct XRPCLivenessStateMachine {
    enum KeepaliveAction: Equatable {
        /// Send a PING with this payload; call `keepaliveTick` again at `checkAgainAt`.
        case sendPing(payload: UInt64, checkAgainAt: NIODeadline)
        /// Nothing to do until then.
        case wait(until: NIODeadline)
        /// The outstanding PING was not acknowledged in time: close the connection.
        case timedOut
        /// Keepalive is off.
        case disabled
    }

    enum PingVerdict: Equatable {
        /// Answer it with an ACK.
        case answer
        /// Too many: GOAWAY ENHANCE_YOUR_CALM, then close.
        case enhanceYourCalm(strikes: Int)
    }

    /// Keepalive PING payloads count up from here; graceful drain uses its own constant
    /// (`drainPingPayload`), so the two never meet.
    static let firstKeepalivePayload: UInt64 = 1
    /// The payload of the PING sent between the two GOAWAYs of a graceful drain ("DRAIN" then 0s).
    static let drainPingPayload: UInt64 = 0x4452_4149_4E00_0000

    let keepaliveInterval: TimeAmount?
    let keepaliveTimeout: TimeAmount
    let minPeerPingInterval: TimeAmount
    let maxPingStrikes: Int

    private(set) var lastReceived: NIODeadline
    private(set) var outstandingPing: (payload: UInt64, deadline: NIODeadline)?
    private var nextPayload = Self.firstKeepalivePayload
    private var lastPeerPing: NIODeadline?
    private(set) var strikes = 0

    init(policy: XRPCConnectionPolicy, now: NIODeadline) {
        self.keepaliveInterval = policy.keepaliveInterval?.timeAmount
        self.keepaliveTimeout = policy.keepaliveTimeout.timeAmount
        self.minPeerPingInterval = policy.minPeerPingInterval.timeAmount
        self.maxPingStrikes = policy.maxPingStrikes
        self.lastReceived = now
    }

    /// Any frame arrived: the peer is alive. `isData` for HEADERS, MESSAGE and TRAILERS.
    mutating func frameReceived(at now: NIODeadline, isData: Bool) {
        self.lastReceived = now
        if isData { self.dataExchanged() }
    }

    /// HEADERS, MESSAGE or TRAILERS was sent or received: PINGs are legitimate again.
    mutating func dataExchanged() {
        self.strikes = 0
        self.lastPeerPing = nil
    }

    /// A PING without ACK arrived from the peer.
    mutating func peerPing(at now: NIODeadline) -> PingVerdict {
        defer { self.lastPeerPing = now }
        if let last = self.lastPeerPing, now - last < self.minPeerPingInterval {
            self.strikes += 1
            if self.strikes > self.maxPingStrikes { return .enhanceYourCalm(strikes: self.strikes) }
        }
        return .answer
    }

    /// A PING ACK arrived. Returns whether it answered the outstanding keepalive PING.
    mutating func pingAcknowledged(payload: UInt64) -> Bool {
        guard let outstanding = self.outstandingPing, outstanding.payload == payload else { return false }
        self.outstandingPing = nil
        return true
    }

    /// What keepalive wants now.
    mutating func keepaliveTick(now: NIODeadline) -> KeepaliveAction {
        guard let interval = self.keepaliveInterval else { return .disabled }
        if let outstanding = self.outstandingPing {
            return now >= outstanding.deadline ? .timedOut : .wait(until: outstanding.deadline)
        }
        let due = self.lastReceived + interval
        guard now >= due else { return .wait(until: due) }
        let payload = self.nextPayload
        self.nextPayload = self.nextPayload == Self.drainPingPayload - 1 ? Self.firstKeepalivePayload : self.nextPayload + 1
        let deadline = now + self.keepaliveTimeout
        self.outstandingPing = (payload, deadline)
        return .sendPing(payload: payload, checkAgainAt: deadline)
    }
}
