/// A GOAWAY received from the peer, as a client transport needs it to decide what to retry.
///
/// A graceful server drain sends two: the first has `lastStreamID == XRPCGoAway.drainAnnouncement`
/// (2^31-1) and means "open no new streams here; everything already sent will be processed";
/// the second carries the real last processed id, and streams above it were not processed (safe
/// to retry elsewhere). A GOAWAY with an error code is a connection error and is followed by a close.
struct XRPCGoAway: Sendable, Hashable {
    /// The last stream id the sender processed (or will process); streams above were not.
    var lastStreamID: UInt32
    /// Why: NO_ERROR for a graceful drain or idle close, an error code otherwise.
    var code: XRPCErrorCode
    /// The sender's debug text.
    var debug: String

    /// The last stream id of the first GOAWAY of a graceful drain.
    static let drainAnnouncement: UInt32 = 0x7FFF_FFFF

    /// Whether this is the first GOAWAY of a two-phase drain: nothing sent so far is lost.
    var isDrainAnnouncement: Bool { self.lastStreamID == Self.drainAnnouncement && self.code == .noError }
}
