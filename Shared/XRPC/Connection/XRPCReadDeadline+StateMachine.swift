import NIOCore

/// Follows frame boundaries in the received byte stream, without decoding, to tell whether the
/// peer is in the middle of a frame (or of the preface). Pure: the read deadline handler feeds it
/// bytes and arms its timer while `isMidFrame` holds.
struct XRPCReadDeadlineStateMachine: Equatable {
    enum State: Equatable {
        /// Server side: this many preface bytes are still to come.
        case preface(remaining: Int)
        /// Collecting a 12-byte frame header; `length` holds the length field's bytes so far.
        case header(received: Int, length: UInt32)
        /// This many payload bytes are still to come.
        case payload(remaining: Int)
    }

    private(set) var state: State

    init(expectPreface: Bool) {
        self.state = expectPreface ? .preface(remaining: XRPCPreface.bytes.count) : .header(received: 0, length: 0)
    }

    /// Whether a frame (or the preface) has started but not fully arrived.
    var isMidFrame: Bool {
        switch self.state {
        case .preface(let remaining): remaining < XRPCPreface.bytes.count
        case .header(let received, _): received > 0
        case .payload: true
        }
    }

    /// Accounts for received bytes.
    mutating func receive(_ bytes: ByteBuffer) {
        var view = bytes.readableBytesView[...]
        while !view.isEmpty {
            switch self.state {
            case .preface(let remaining):
                let taken = min(remaining, view.count)
                view = view.dropFirst(taken)
                self.state = taken == remaining ? .header(received: 0, length: 0) : .preface(remaining: remaining - taken)
            case .header(var received, var length):
                while received < XRPCFrame.headerSize, let byte = view.first {
                    if received < 4 { length = length << 8 | UInt32(byte) }
                    received += 1
                    view = view.dropFirst()
                }
                if received == XRPCFrame.headerSize {
                    self.state = length == 0 ? .header(received: 0, length: 0) : .payload(remaining: Int(length))
                } else {
                    self.state = .header(received: received, length: length)
                }
            case .payload(let remaining):
                let taken = min(remaining, view.count)
                view = view.dropFirst(taken)
                self.state = taken == remaining ? .header(received: 0, length: 0) : .payload(remaining: remaining - taken)
            }
        }
    }
}
