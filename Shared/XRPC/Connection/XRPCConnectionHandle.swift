import NIOCore

/// A thread-safe reference to a connection's handler: async code uses it to run work on the
/// connection's event loop, where all protocol state lives.
struct XRPCConnectionHandle: Sendable {
    let eventLoop: any EventLoop
    /// Producers wait on it while the connection's outbound buffer is full.
    let writability: XRPCWritabilityGate
    /// Messages larger than this are queued for the round-robin writer (see `XRPCWritabilityGate`).
    let chunkSize: Int
    private let handler: NIOLoopBound<XRPCConnectionHandler>

    init(handler: XRPCConnectionHandler, eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.writability = handler.writabilityGate
        self.chunkSize = handler.policy.messageChunkSize
        self.handler = NIOLoopBound(handler, eventLoop: eventLoop)
    }

    /// Waits until a message of `bytes` may be handed to the event loop on a stream, as both
    /// sides' producers must: first the stream's flow-control credit (so a peer that reads this
    /// stream slowly holds back only its producer), then the stream's one slot for a message the
    /// round-robin writer will fragment, or room in the writability gate for one written at
    /// once. Returns the bytes reserved in the gate; whoever hands the message to the event loop
    /// must have them released there (`releaseAfterFlush`), or here if it gives up.
    func admitMessage(of bytes: Int, on lifecycle: XRPCStreamLifecycle) async -> Int {
        await lifecycle.waitForSendCredit(bytes)
        if bytes > self.chunkSize {
            await lifecycle.waitForQueueRoom()
            return 0
        }
        let reserved = bytes + XRPCFrame.headerSize
        await self.writability.reserve(reserved)
        return reserved
    }

    /// Runs `body` on the event loop, in submission order with other calls from the same task.
    func execute(_ body: @escaping @Sendable (XRPCConnectionHandler) -> Void) {
        if self.eventLoop.inEventLoop {
            body(self.handler.value)
        } else {
            let handler = self.handler
            self.eventLoop.execute { body(handler.value) }
        }
    }

    /// Runs `body` on the event loop and returns the future it makes.
    func flatSubmit<T: Sendable>(_ body: @escaping @Sendable (XRPCConnectionHandler) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let handler = self.handler
        return self.eventLoop.flatSubmit { body(handler.value) }
    }
}
