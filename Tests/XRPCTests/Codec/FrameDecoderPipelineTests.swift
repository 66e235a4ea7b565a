import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import XRPC

@Suite("XRPC/1 frame codec: XRPCFrameDecoder in a ByteToMessageHandler")
struct FrameCodecPipelineTests {
    typealias F = FrameCodecFixtures

    /// A client's unary request: HEADERS, a message in two fragments, and the half-close.
    static func requestFrames() throws -> [XRPCFrame] {
        [
            XRPCFrame(type: .headers, streamID: 1, payload: F.buffer(GoldenFrame.requestHeadersPayload)),
            XRPCFrame(type: .message, flags: .more, streamID: 1, payload: ByteBuffer(string: "hel")),
            XRPCFrame(type: .message, streamID: 1, payload: ByteBuffer(string: "lo")),
            XRPCFrame(type: .trailers, flags: .endStream, streamID: 1),
        ]
    }

    /// Connection-level chatter on stream 0.
    static func controlFrames() -> [XRPCFrame] {
        [
            XRPCFrame(type: .settings, flags: .ack, streamID: 0),
            XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(integer: UInt64(42))),
            XRPCFrame(type: .windowUpdate, streamID: 3, payload: ByteBuffer(integer: UInt32(1))),
            XRPCFrame(type: .goaway, streamID: 0, payload: F.buffer([0, 0, 0, 1, 0, 0, 0, 0])),
        ]
    }

    static func pair(_ frames: [XRPCFrame]) -> (ByteBuffer, [XRPCFrame]) {
        var buffer = ByteBuffer()
        for frame in frames { buffer.writeXRPCFrame(frame) }
        return (buffer, frames)
    }

    /// Runs the verifier, reporting only its verdict: its error lists every input it wrote, byte by byte.
    static func verify(
        _ pairs: [(ByteBuffer, [XRPCFrame])],
        sourceLocation: SourceLocation = #_sourceLocation,
        _ factory: () -> XRPCFrameDecoder
    ) {
        do {
            try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs, decoderFactory: factory)
        } catch let error as ByteToMessageDecoderVerifier.VerificationError<XRPCFrame> {
            Issue.record("verifier: \(error.errorCode) after \(error.inputs.count) writes", sourceLocation: sourceLocation)
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
        }
    }

    @Test("ByteToMessageDecoderVerifier accepts the decoder without a preface, one and several frames per input")
    func verifierWithoutPreface() throws {
        var pairs = try GoldenFrame.all.map { Self.pair([try $0.frame()]) }
        pairs.append(Self.pair(try Self.requestFrames()))
        pairs.append(Self.pair(Self.controlFrames()))
        pairs.append(Self.pair(try Self.requestFrames() + Self.controlFrames() + GoldenFrame.all.map { try $0.frame() }))
        Self.verify(pairs) { F.decoder(expectPreface: false) }
    }

    @Test("ByteToMessageDecoderVerifier accepts a preface-expecting decoder once its preface is in")
    func verifierAfterPreface() throws {
        // The verifier feeds one decoder every input many times, so the preface itself cannot be
        // one of them (verifyPrefaced below covers it); start from a decoder that has read it.
        var decoder = F.decoder(expectPreface: true)
        var preface = F.buffer(XRPCPreface.bytes)
        #expect(try decoder.decode(buffer: &preface) == nil)
        #expect(preface.readableBytes == 0)
        var pairs = try GoldenFrame.all.map { Self.pair([try $0.frame()]) }
        pairs.append(Self.pair(try Self.requestFrames() + Self.controlFrames()))
        Self.verify(pairs) { decoder }
    }

    @Test(
        "ByteToMessageDecoderVerifier accepts oversized HEADERS/TRAILERS among other frames"
    )
    func verifierWithOversizedHeaders() throws {
        var headers = ByteBuffer()
        headers.writeXRPCFrame(XRPCFrame(type: .headers, streamID: 1, payload: ByteBuffer(repeating: 0xAB, count: 1_025)))
        var trailers = ByteBuffer()
        trailers.writeXRPCFrame(XRPCFrame(type: .trailers, flags: .endStream, streamID: 3, payload: ByteBuffer(repeating: 0, count: 4_000)))
        let pairs: [(ByteBuffer, [XRPCFrame])] = [
            (headers, [F.oversized(.headers, streamID: 1, length: 1_025)]),
            (trailers, [F.oversized(.trailers, flags: .endStream, streamID: 3, length: 4_000)]),
            Self.pair(Self.controlFrames()),
        ]
        Self.verify(pairs) { XRPCFrameDecoder(expectPreface: false, maxFramePayload: F.maxFramePayload, maxHeaderSize: 1_024) }
    }

    // ByteToMessageDecoderVerifier feeds every input to one decoder many times in random order,
    // which a decoder that consumes the preface once cannot pass. This does the same three checks
    // (all at once, drip-fed, split anywhere) with a fresh decoder per feeding.
    static func verifyPrefaced(_ input: [UInt8], _ expected: [XRPCFrame]) throws {
        func run(_ chunks: [ArraySlice<UInt8>], _ label: String) throws {
            let channel = F.pipeline(F.decoder(expectPreface: true))
            for chunk in chunks { try channel.writeInbound(F.buffer(Array(chunk))) }
            #expect(try F.readFrames(channel) == expected, "\(label)")
            #expect(try channel.finish().isClean, "\(label)")
        }
        try run([input[...]], "all at once")
        try run(input.indices.map { input[$0...$0] }, "one byte at a time")
        for split in 1..<input.count {
            try run([input[..<split], input[split...]], "split at \(split)")
        }
    }

    @Test("with a preface: all at once, drip-fed and split at every offset give the same frames")
    func prefacedFeeding() throws {
        let frames = try [GoldenFrame.all[0].frame()] + Self.requestFrames() + Self.controlFrames()
        try Self.verifyPrefaced(XRPCPreface.bytes + F.encode(frames[0]), [frames[0]])
        try Self.verifyPrefaced(XRPCPreface.bytes, [])
        var wire: [UInt8] = XRPCPreface.bytes
        for frame in frames { wire += F.encode(frame) }
        try Self.verifyPrefaced(wire, frames)
    }

    @Test("preface, SETTINGS and a request in one read come out as frames, in order")
    func pipelineReadsFrames() throws {
        let frames = try [GoldenFrame.all[0].frame()] + Self.requestFrames()
        let channel = F.pipeline(F.decoder(expectPreface: true))
        var wire: [UInt8] = XRPCPreface.bytes
        for frame in frames { wire += F.encode(frame) }
        try channel.writeInbound(F.buffer(wire))
        for expected in frames {
            #expect(try channel.readInbound(as: XRPCFrame.self) == expected)
        }
        #expect(try channel.readInbound(as: XRPCFrame.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test("an HTTP/1.1 request instead of the preface fails the pipeline with PROTOCOL_ERROR")
    func pipelineBadPreface() throws {
        let channel = F.pipeline(F.decoder(expectPreface: true))
        let error = #expect(throws: XRPCConnectionError.self) {
            try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n"))
        }
        #expect(error?.code == .protocolError)
        #expect(try F.readFrames(channel).isEmpty)
        _ = try? channel.finish()
    }

    @Test("a frame header above max_frame_payload fails the pipeline with FRAME_SIZE_ERROR")
    func pipelineFrameTooLarge() throws {
        let channel = F.pipeline(F.decoder())
        let header = F.header(length: UInt32(F.maxFramePayload + 1), type: 2, streamID: 1)
        let error = #expect(throws: XRPCConnectionError.self) { try channel.writeInbound(F.buffer(header)) }
        #expect(error?.code == .frameSizeError)
        _ = try? channel.finish()
    }

    @Test("oversized HEADERS, its payload in later reads, then the next frame in its own read")
    func pipelineOversizedAcrossReads() throws {
        let channel = F.pipeline(XRPCFrameDecoder(expectPreface: false, maxFramePayload: F.maxFramePayload, maxHeaderSize: 1_024))
        try channel.writeInbound(F.buffer(F.header(length: 2_000, type: 1, streamID: 1)))
        #expect(try F.readFrames(channel) == [F.oversized(.headers, streamID: 1, length: 2_000)])
        for _ in 0..<4 {
            try channel.writeInbound(ByteBuffer(repeating: 0x41, count: 500))
            #expect(try F.readFrames(channel).isEmpty)
        }
        let ping = XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(integer: UInt64(7)))
        try channel.writeInbound(F.buffer(F.encode(ping)))
        #expect(try F.readFrames(channel) == [ping])
        #expect(try channel.finish().isClean)
    }

    @Test(
        "a frame that arrives in the same read as the end of a skipped payload is passed on at once"
    )
    func pipelineOversizedThenFrameInOneRead() throws {
        let channel = F.pipeline(XRPCFrameDecoder(expectPreface: false, maxFramePayload: F.maxFramePayload, maxHeaderSize: 1_024))
        let ping = XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(integer: UInt64(7)))
        // The whole oversized frame and a PING in one read, as TCP may well deliver them.
        let headers = XRPCFrame(type: .headers, streamID: 1, payload: ByteBuffer(repeating: 0x41, count: 2_000))
        try channel.writeInbound(F.buffer(F.encode(headers, ping)))
        #expect(try F.readFrames(channel) == [F.oversized(.headers, streamID: 1, length: 2_000), ping])
        // Also when only the tail of the skipped payload shares the read with the next frame.
        try channel.writeInbound(F.buffer(F.header(length: 1_500, type: 3, flags: 1, streamID: 3) + [UInt8](repeating: 0, count: 1_000)))
        #expect(try F.readFrames(channel) == [F.oversized(.trailers, flags: .endStream, streamID: 3, length: 1_500)])
        try channel.writeInbound(F.buffer([UInt8](repeating: 0, count: 500) + F.encode(ping)))
        #expect(try F.readFrames(channel) == [ping])
        _ = try? channel.finish()
    }
}
