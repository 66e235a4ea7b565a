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
