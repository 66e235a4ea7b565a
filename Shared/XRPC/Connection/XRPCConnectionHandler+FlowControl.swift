import GRPCCore
import NIOCore

extension XRPCConnectionHandler {
    /// The largest a flow-control window may grow: a WINDOW_UPDATE taking a window above this is
    /// FLOW_CONTROL_ERROR (as in HTTP/2).
    static let maxWindow = Int(Int32.max)

    /// WINDOW_UPDATE: credit from the peer for MESSAGE payload bytes on one stream (or, on
    /// stream 0, the connection). The windows are accounted, so a broken peer is caught, but
    /// XRPC/1.0 senders are not obliged to stop at zero (docs/PROTOCOL.md §10.8).
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
        guard let record = self.streams[frame.streamID] else {
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
    }

    /// MESSAGE payload bytes were sent on `record`'s stream: they use up window.
    func consumeSendWindow(_ bytes: Int, record: XRPCStreamRecord) {
        self.connectionSendWindow -= bytes
        record.sendWindow -= bytes
    }
}
