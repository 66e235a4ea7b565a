import NIOCore

/// A stream's frames waiting for the round-robin writer. Allocates nothing until the first frame
/// is queued, so the many streams that never queue (unary calls) cost nothing.
struct XRPCFrameQueue {
    private var frames: [XRPCFrame] = []
    private var head = 0

    var isEmpty: Bool { self.head == self.frames.count }

    /// Payload bytes still queued.
    var payloadBytes: Int { self.frames[self.head...].reduce(0) { $0 + $1.payload.readableBytes } }

    mutating func append(_ frame: XRPCFrame) {
        self.frames.append(frame)
    }

    /// The frame `popFirst` would return.
    var first: XRPCFrame? { self.head < self.frames.count ? self.frames[self.head] : nil }

    /// Replaces the first frame (with what is left of it after part was sent).
    mutating func replaceFirst(with frame: XRPCFrame) {
        guard self.head < self.frames.count else { return }
        self.frames[self.head] = frame
    }

    mutating func popFirst() -> XRPCFrame? {
        guard self.head < self.frames.count else { return nil }
        let frame = self.frames[self.head]
        self.head += 1
        if self.head == self.frames.count { self.removeAll() }
        return frame
    }

    mutating func removeAll() {
        self.frames = []
        self.head = 0
    }
}
