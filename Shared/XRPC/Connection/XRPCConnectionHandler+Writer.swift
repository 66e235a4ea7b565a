import NIOCore

extension XRPCConnectionHandler {
    /// Most bytes of queued fragments written per pass of the writer, before it yields to the
    /// event loop (where other streams' writes are waiting) and flushes.
    static let writerQuantum = 64 * 1_024

    /// Sends one message on `record`'s stream. A message that fits in one chunk, on a stream with
    /// nothing queued, is written at once: the unary path pays nothing for fairness. A larger one
    /// is split into MESSAGE frames flagged MORE and queued; the writer then takes one fragment
    /// per stream in turn, so a large response does not hold back the other streams.
    func writeMessage(_ message: ByteBuffer, record: XRPCStreamRecord, endStream: Bool = false) {
        let chunk = min(self.peerSettings.maxFramePayload, self.policy.messageChunkSize)
        if record.pendingFrames.isEmpty && message.readableBytes <= chunk && self.windowAllows(message.readableBytes, record: record) {
            self.consumeSendWindow(message.readableBytes, record: record)
            self.write(XRPCFrame(type: .message, flags: endStream ? .endStream : [], streamID: record.id, payload: message))
            return
        }
        var remaining = message
        repeat {
            let slice = remaining.readSlice(length: min(chunk, remaining.readableBytes)) ?? ByteBuffer()
            var flags: XRPCFrameFlags = remaining.readableBytes > 0 ? .more : []
            if endStream && remaining.readableBytes == 0 { flags.insert(.endStream) }
            self.enqueue(XRPCFrame(type: .message, flags: flags, streamID: record.id, payload: slice), record: record)
        } while remaining.readableBytes > 0
        self.scheduleWriterPass()
    }

    /// Writes a frame of a stream in order with its queued fragments: at once if none are queued.
    func writeStreamFrame(_ frame: XRPCFrame, record: XRPCStreamRecord?) {
        guard let record, !record.pendingFrames.isEmpty else {
            self.write(frame)
            return
        }
        self.enqueue(frame, record: record)
    }

    private func enqueue(_ frame: XRPCFrame, record: XRPCStreamRecord) {
        if record.pendingFrames.isEmpty {
            self.readyStreams.append(record)
            // The stream's producer waits until this is written: one queued message per stream.
            record.lifecycle.setQueueFull(true)
        }
        record.pendingFrames.append(frame)
        self.pendingOutboundBytes += frame.payload.readableBytes
    }

    /// A stream is reset: what it had queued is dropped, since the peer will discard it anyway.
    func dropQueuedFrames(of record: XRPCStreamRecord) {
        guard !record.pendingFrames.isEmpty else { return }
        if self.windowBlocked[record.id] === record { self.windowBlocked.removeValue(forKey: record.id) }
        self.pendingOutboundBytes -= record.pendingFrames.payloadBytes
        record.pendingFrames.removeAll()
        record.lifecycle.setQueueFull(false)
        if let index = self.readyStreams.firstIndex(where: { $0 === record }) {
            self.readyStreams.remove(at: index)
        }
    }

    func dropAllQueuedFrames() {
        for record in self.readyStreams { record.pendingFrames.removeAll() }
        for record in self.windowBlocked.values { record.pendingFrames.removeAll() }
        self.readyStreams.removeAll()
        self.windowBlocked.removeAll()
        self.pendingOutboundBytes = 0
    }

    func scheduleWriterPass() {
        guard !self.writerPassScheduled, !self.readyStreams.isEmpty, let context else { return }
        self.writerPassScheduled = true
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute { loopBound.value.writerPass() }
    }

    /// One round-robin pass: one fragment from each stream with queued frames, in turn, until a
    /// quantum is written or the channel stops being writable (it resumes when it is writable).
    private func writerPass() {
        self.writerPassScheduled = false
        guard self.state != .closed, let context else { return }
        var written = 0
        while written < Self.writerQuantum, context.channel.isWritable, let record = self.readyStreams.popFirst() {
            guard let frame = self.takeSendableFrame(of: record) else { continue }
            self.pendingOutboundBytes -= frame.payload.readableBytes
            written += frame.payload.readableBytes + XRPCFrame.headerSize
            self.write(frame)
            if record.pendingFrames.isEmpty {
                record.lifecycle.setQueueFull(false)
            } else {
                self.readyStreams.append(record)
            }
        }
        if written > 0 { context.flush() }
        if self.readyStreams.isEmpty {
            self.closeIfDrained()
        } else if context.channel.isWritable {
            self.scheduleWriterPass()
        }
    }

    /// The next frame of `record` that may go out, taken off its queue; nil, with the stream
    /// parked until a WINDOW_UPDATE, when its next MESSAGE has no credit. A MESSAGE larger than
    /// the credit is split: what the credit covers goes now, as a fragment flagged MORE.
    private func takeSendableFrame(of record: XRPCStreamRecord) -> XRPCFrame? {
        guard let frame = record.pendingFrames.first else { return nil }
        guard frame.type == .message else { return record.pendingFrames.popFirst() }
        let bytes = frame.payload.readableBytes
        if self.windowAllows(bytes, record: record) {
            self.consumeSendWindow(bytes, record: record)
            return record.pendingFrames.popFirst()
        }
        guard record.sendWindow > 0 else {
            self.windowBlocked[record.id] = record
            return nil
        }
        var rest = frame.payload
        let part = rest.readSlice(length: record.sendWindow) ?? ByteBuffer()
        record.pendingFrames.replaceFirst(with: XRPCFrame(type: .message, flags: frame.flags, streamID: frame.streamID, payload: rest))
        var flags = frame.flags
        flags.remove(.endStream)
        flags.insert(.more)
        self.consumeSendWindow(part.readableBytes, record: record)
        return XRPCFrame(type: .message, flags: flags, streamID: frame.streamID, payload: part)
    }

    /// A producer's message, `reserved` bytes of which it held in the writability gate, has been
    /// handed to this handler (written, or dropped with its stream): the gate gets the bytes back
    /// after the next flush. Holding them until then matters, because TLS encrypts at the flush
    /// and only the ciphertext counts against the channel's watermarks.
    func releaseAfterFlush(_ reserved: Int) {
        guard reserved > 0 else { return }
        guard self.context != nil else {
            self.writabilityGate.release(reserved)
            return
        }
        self.reservedAwaitingFlush += reserved
        self.scheduleFlush()
    }

    /// Producers of messages written at once wait while the channel is unwritable.
    func updateProducerGate() {
        self.writabilityGate.setWritable(self.context?.channel.isWritable ?? true)
    }
}
