import GRPCCore
import NIOCore
import NIOEmbedded
import Testing
@testable import XRPC
import XRPCTestSupport

/// Counts the flushes and writes that reach the socket end of the pipeline.
final class FlushCounter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    var flushes = 0
    var writes = 0

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        self.writes += 1
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        self.flushes += 1
        context.flush()
    }
}

@Suite("Coalesced flushes", .timeLimit(.minutes(2)))
struct FlushCoalescingTests {
    /// A server connection handler past its SETTINGS exchange, behind a flush counter.
    static func readyServer(maxPingStrikes: Int = 2) throws -> (EmbeddedChannel, FlushCounter) {
        var policy = XRPCConnectionPolicy.serverDefaults
        policy.keepaliveInterval = nil
        policy.idleTimeout = nil
        policy.maxPingStrikes = maxPingStrikes
        let channel = EmbeddedChannel()
        let counter = FlushCounter()
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(XRPCConnectionHandler(role: .server, settings: .defaults, handshakeTimeout: .seconds(10), policy: policy))
        let handler = try channel.pipeline.syncOperations.handler(type: XRPCConnectionHandler.self)
        handler.tlsHandshakeCompleted(context: try channel.pipeline.syncOperations.context(handlerType: XRPCConnectionHandler.self), negotiatedProtocol: "xrpc/1")
        try channel.writeInbound(XRPCFrame(type: .settings, streamID: 0))
        // The server's SETTINGS and ACK.
        while try channel.readOutbound(as: ByteBuffer.self) != nil {}
        counter.flushes = 0
        counter.writes = 0
        return (channel, counter)
    }

    @Test("responses of many calls completed in one event-loop tick leave in one flush")
    func responsesInOneTick() throws {
        let (channel, counter) = try Self.readyServer()
        let calls = 20
        for index in 0..<calls {
            let id = UInt32(2 * index + 1)
            channel.pipeline.syncOperations.fireChannelRead(NIOAny(XRPCFrame(type: .headers, streamID: id, payload: RawXRPCConnection.requestHeaders(method: "/voucherd.v1.Testing/Echo"))))
            channel.pipeline.syncOperations.fireChannelRead(NIOAny(XRPCFrame(type: .message, flags: .endStream, streamID: id, payload: ByteBuffer(string: "x"))))
        }
        var accepted: [XRPCAcceptedStream] = []
        while let stream = try channel.readInbound(as: XRPCAcceptedStream.self) { accepted.append(stream) }
        #expect(accepted.count == calls)
        #expect(counter.flushes == 0)

        for stream in accepted {
            stream.connection.execute { handler in
                handler.serverSend(.metadata([:]), streamID: stream.streamID)
                handler.serverSend(.message(XRPCBytes(ByteBuffer(string: "response"))), streamID: stream.streamID)
                handler.serverSend(.status(Status(code: .ok, message: ""), [:]), streamID: stream.streamID)
            }
        }
        // Everything is queued, nothing flushed: the flush runs once the tick's work is done.
        #expect(counter.writes == 3 * calls)
        #expect(counter.flushes == 0)
        channel.embeddedEventLoop.run()
        #expect(counter.flushes == 1)
        var frames = 0
        while try channel.readOutbound(as: ByteBuffer.self) != nil { frames += 1 }
        #expect(frames == 3 * calls)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("answers to frames read in one batch leave in one flush, at read-complete")
    func oneFlushPerReadBatch() throws {
        let (channel, counter) = try Self.readyServer(maxPingStrikes: 100)
        for index in 0..<50 {
            channel.pipeline.syncOperations.fireChannelRead(NIOAny(XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(integer: UInt64(index)))))
        }
        #expect(counter.writes == 50)
        #expect(counter.flushes == 0)
        channel.pipeline.syncOperations.fireChannelReadComplete()
        channel.embeddedEventLoop.run()
        #expect(counter.flushes == 1)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}
