import NIOCore

/// The raw-tls server: answers each request frame on the event loop, with no RPC layer, no
/// task hop and no protobuf. Request body: op `0` + payload (echoed in one frame), or op `1`
/// + UInt32 count + UInt32 size (answered by `count` frames of `size` bytes). Writes are
/// flushed once per read burst, as a well-behaved NIO server does.
final class RawEchoServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var request = Self.unwrapInboundIn(data)
        guard let op = request.readInteger(as: UInt8.self) else {
            context.close(promise: nil)
            return
        }
        switch op {
        case 0:
            write(request, context: context)
        case 1:
            guard let count = request.readInteger(as: UInt32.self), let size = request.readInteger(as: UInt32.self) else {
                context.close(promise: nil)
                return
            }
            let payload = ByteBuffer(repeating: 0xA5, count: Int(size))
            for _ in 0..<count { write(payload, context: context) }
        default:
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    private func write(_ payload: ByteBuffer, context: ChannelHandlerContext) {
        var header = context.channel.allocator.buffer(capacity: 4)
        header.writeInteger(UInt32(payload.readableBytes))
        context.write(Self.wrapOutboundOut(header), promise: nil)
        context.write(Self.wrapOutboundOut(payload), promise: nil)
    }
}
