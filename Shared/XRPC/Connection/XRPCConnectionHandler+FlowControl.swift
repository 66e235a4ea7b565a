import GRPCCore
import NIOCore

extension XRPCConnectionHandler {
    /// The largest a flow-control window may grow: a WINDOW_UPDATE taking a window above this is
    /// FLOW_CONTROL_ERROR (as in HTTP/2).
    static let maxWindow = Int(Int32.max)

    /// The SETTINGS this side announces. With flow control on, the stream window is at least one
    /// whole message: a message is consumed only once complete, so a smaller window could be used
    /// up by a message that can never be consumed. It also means a unary call never waits for
    /// credit.
    static func announced(_ settings: XRPCSettings, flowControl: Bool) -> XRPCSettings {
        var settings = settings
        settings.flowControl = flowControl
        if flowControl {
            settings.initialWindowSize = min(max(settings.initialWindowSize, settings.maxMessageSize), Self.maxWindow)
        }
        return settings
    }

    /// WINDOW_UPDATE: credit from the peer for MESSAGE payload bytes on one stream (or, on
    /// stream 0, the connection). Stream windows bind the sender only when both sides announced
    /// `flow_control`; the connection window is always advisory (docs/PROTOCOL.md §10.8).
    func receiveWindowUpdate(_ frame: XRPCFrame) throws {
        guard frame.payload.readableBytes == 4, let raw = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self) else {
            throw XRPCConnectionError(.frameSizeError, "WINDOW_UPDATE payload must be 4 bytes, got \(frame.payload.readableBytes)")
        }
        // The top bit is reserved, as in HTTP/2.
        let increment = Int(raw & 0x7FFF_FFFF)
        if frame.streamID == 0 {
            guard increment > 0 else {
                throw XRPCConnectionError(.protocolError, "WINDOW_UPDATE with an increment of 0 on the connection")
            }
            guard self.connectionSendWindow + increment <= Self.maxWindow else {
                throw XRPCConnectionError(.flowControlError, "WINDOW_UPDATE takes the connection window above 2^31-1")
            }
            self.connectionSendWindow += increment
            return
        }
        // A stream that has closed here may still have its last frames waiting for this credit.
        guard let record = self.streams[frame.streamID] ?? self.windowBlocked[frame.streamID] else {
            if self.wasNeverOpened(frame.streamID) {
                throw XRPCConnectionError(.protocolError, "WINDOW_UPDATE for stream \(frame.streamID), which was never opened")
            }
            return
        }
        guard increment > 0 else {
            self.failStream(record, code: .protocolError, reason: "WINDOW_UPDATE with an increment of 0")
            return
        }
        guard record.sendWindow + increment <= Self.maxWindow else {
            self.failStream(record, code: .flowControlError, reason: "WINDOW_UPDATE takes the stream window above 2^31-1")
            return
        }
        record.sendWindow += increment
        record.lifecycle.addSendCredit(increment)
        if record.sendWindow > 0, self.windowBlocked.removeValue(forKey: record.id) != nil {
            self.readyStreams.append(record)
            self.scheduleWriterPass()
        }
    }

    /// MESSAGE payload bytes were sent on `record`'s stream: they use up window.
    func consumeSendWindow(_ bytes: Int, record: XRPCStreamRecord) {
        self.connectionSendWindow -= bytes
        record.sendWindow -= bytes
    }

    /// Whether `bytes` of MESSAGE payload may go out on `record`'s stream now.
    func windowAllows(_ bytes: Int, record: XRPCStreamRecord) -> Bool {
        !self.flowControlEnforced || bytes <= record.sendWindow
    }

    /// A new stream's inbound budget and receive window: with flow control on, the budget also
    /// tells the window what the stream's consumer takes, and the window sends credit back.
    func makeStreamBudget() -> (XRPCInboundBudget?, XRPCReceiveWindow?) {
        guard self.flowControlEnforced, let context else { return (self.inboundBudget, nil) }
        let handle = XRPCConnectionHandle(handler: self, eventLoop: context.eventLoop)
        let window = XRPCReceiveWindow { id, increment in
            handle.execute { $0.writeWindowUpdate(streamID: id, increment: increment) }
        }
        return (XRPCInboundBudget(parent: self.inboundBudget, onConsumed: { window.consumed($0) }), window)
    }

    /// MESSAGE payload bytes arrived on `record`'s stream. Returns false (after resetting the
    /// stream with FLOW_CONTROL_ERROR) if the peer sent more than its credit.
    func receiveWithinWindow(_ bytes: Int, record: XRPCStreamRecord) -> Bool {
        switch record.receiveWindow?.received(bytes) {
        case nil, .some(.accepted(grant: nil)):
            return true
        case .some(.accepted(grant: let increment?)):
            self.writeWindowUpdate(streamID: record.id, increment: increment)
            return true
        case .some(.overflow(let available)):
            self.failStream(record, code: .flowControlError, reason: "MESSAGE of \(bytes) bytes exceeds the stream's flow-control window of \(available)")
            return false
        }
    }

    /// Returns credit to the peer for bytes the application has consumed on an open stream.
    func writeWindowUpdate(streamID: UInt32, increment: Int) {
        guard increment > 0, streamID != 0, self.streams[streamID] != nil else { return }
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(min(increment, Self.maxWindow)))
        self.write(XRPCFrame(type: .windowUpdate, streamID: streamID, payload: payload))
        self.scheduleFlush()
    }
}
