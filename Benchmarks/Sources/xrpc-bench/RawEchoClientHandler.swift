import NIOCore

/// The raw-tls client side of one connection. The server answers requests in order, so
/// responses are matched to requests first in, first out; that is all the "multiplexing"
/// the floor has.
final class RawEchoClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RawEchoRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var remainingFrames: Int
        var bytes: Int
        var promise: EventLoopPromise<Int>
    }

    private var pending = CircularBuffer<Pending>()

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = Self.unwrapOutboundIn(data)
        pending.append(Pending(remainingFrames: request.responseFrames, bytes: 0, promise: request.promise))
        context.write(Self.wrapOutboundOut(request.frame), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        guard !pending.isEmpty else {
            context.fireErrorCaught(BenchError.setup("raw-tls: a response nobody asked for"))
            context.close(promise: nil)
            return
        }
        pending[pending.startIndex].remainingFrames -= 1
        pending[pending.startIndex].bytes += frame.readableBytes
        if pending[pending.startIndex].remainingFrames == 0 {
            let done = pending.removeFirst()
            done.promise.succeed(done.bytes)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(BenchError.setup("raw-tls: connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        while let next = pending.popFirst() { next.promise.fail(error) }
    }
}
