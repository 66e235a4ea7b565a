import NIOCore

/// Disconnects a peer that starts a frame (or the preface) and stops sending before it is
/// complete: without this, a peer could hold a connection and its buffer forever with a few
/// bytes. It sits between TLS and the frame decoder and only watches bytes go by.
///
/// The deadline runs only while this side is reading: when the connection handler pauses reading
/// (its consumers are behind), the bytes wait in the kernel and the peer is not to blame, so an
/// expiry then is put off by another period.
final class XRPCReadDeadlineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var machine: XRPCReadDeadlineStateMachine
    private var timer: Scheduled<Void>?
    /// A read has been requested and nothing has arrived for it yet.
    private var readOutstanding = false

    init(timeout: TimeAmount, expectPreface: Bool) {
        self.timeout = timeout
        self.machine = XRPCReadDeadlineStateMachine(expectPreface: expectPreface)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.machine.receive(self.unwrapInboundIn(data))
        if self.machine.isMidFrame {
            // The deadline is per frame: a new frame gets a new period once the last one is done.
            if self.timer == nil { self.arm(context: context) }
        } else {
            self.timer?.cancel()
            self.timer = nil
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.readOutstanding = false
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        self.readOutstanding = true
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.timer?.cancel()
        self.timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.timer?.cancel()
        self.timer = nil
    }

    private func arm(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        self.timer = context.eventLoop.scheduleTask(in: self.timeout) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            guard handler.machine.isMidFrame else { return }
            guard handler.readOutstanding else {
                handler.arm(context: context)
                return
            }
            context.fireErrorCaught(XRPCConnectionError(
                .protocolError, "incomplete frame: the rest did not arrive within \(handler.timeout)"
            ))
        }
    }
}
