import NIOCore
import SwiftProtobuf
import Testing
@testable import XRPC

/// One frame and its wire bytes, written out by hand from the XRPC/1 header layout:
/// `length u32 | type u8 | flags u8 | reserved u16 | stream id u32`, big-endian, then the payload.
struct GoldenFrame: Sendable, CustomTestStringConvertible {
    let name: String
    let frame: @Sendable () throws -> XRPCFrame
    let wire: [UInt8]

    var testDescription: String { self.name }
}

extension GoldenFrame {
    // "/voucherd.v1.Testing/Echo" in ASCII (25 bytes).
    static let echoPath: [UInt8] = [
        0x2F, 0x76, 0x6F, 0x75, 0x63, 0x68, 0x65, 0x72, 0x64, 0x2E, 0x76, 0x31, 0x2E,
        0x54, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67, 0x2F, 0x45, 0x63, 0x68, 0x6F,
    ]

    /// xrpc.v1.Settings with every field set to the protocol default, field by field.
    static let settingsPayload: [UInt8] = [
        0x08, 0x80, 0x80, 0x04,  // 1: max_frame_payload = 65536
        0x10, 0x80, 0x80, 0x80, 0x02,  // 2: max_message_size = 4194304
        0x18, 0x80, 0x80, 0x01,  // 3: max_header_size = 16384
        0x20, 0x64,  // 4: max_concurrent_streams = 100
        0x28, 0x80, 0x80, 0x04,  // 5: initial_window_size = 65536
    ]

    /// xrpc.v1.RequestHeaders { method: "/voucherd.v1.Testing/Echo", timeout_micros: 1000000 }.
    static let requestHeadersPayload: [UInt8] =
        [0x0A, 0x19] + echoPath  // 1: method, 25 bytes
        + [0x10, 0xC0, 0x84, 0x3D]  // 2: timeout_micros = 1000000

    static func settingsMessage() -> Xrpc_V1_Settings {
        var settings = Xrpc_V1_Settings()
        settings.maxFramePayload = 65_536
        settings.maxMessageSize = 4_194_304
        settings.maxHeaderSize = 16_384
        settings.maxConcurrentStreams = 100
        settings.initialWindowSize = 65_536
        return settings
    }

    static func requestHeadersMessage() -> Xrpc_V1_RequestHeaders {
        var headers = Xrpc_V1_RequestHeaders()
        headers.method = "/voucherd.v1.Testing/Echo"
        headers.timeoutMicros = 1_000_000
        return headers
    }

    static func payload(_ message: some SwiftProtobuf.Message) throws -> ByteBuffer {
        ByteBuffer(bytes: try message.serializedBytes() as [UInt8])
    }

    static let all: [GoldenFrame] = [
        GoldenFrame(
            name: "SETTINGS with xrpc.v1.Settings",
            frame: { XRPCFrame(type: .settings, streamID: 0, payload: try payload(settingsMessage())) },
            wire: [0x00, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00] + settingsPayload
        ),
        GoldenFrame(
            name: "SETTINGS ACK",
            frame: { XRPCFrame(type: .settings, flags: .ack, streamID: 0) },
            wire: [0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        ),
        GoldenFrame(
            name: "HEADERS with xrpc.v1.RequestHeaders",
            frame: { XRPCFrame(type: .headers, streamID: 1, payload: try payload(requestHeadersMessage())) },
            wire: [0x00, 0x00, 0x00, 0x1F, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01] + requestHeadersPayload
        ),
        GoldenFrame(
            name: "MESSAGE with END_STREAM",
            frame: { XRPCFrame(type: .message, flags: .endStream, streamID: 1, payload: ByteBuffer(string: "hello")) },
            wire: [0x00, 0x00, 0x00, 0x05, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x68, 0x65, 0x6C, 0x6C, 0x6F]
        ),
        GoldenFrame(
            name: "MESSAGE fragment with MORE",
            frame: { XRPCFrame(type: .message, flags: .more, streamID: 3, payload: ByteBuffer(bytes: [0x00, 0xFF, 0x7F])) },
            wire: [0x00, 0x00, 0x00, 0x03, 0x02, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0xFF, 0x7F]
        ),
        GoldenFrame(
            name: "empty MESSAGE on the highest stream id",
            frame: { XRPCFrame(type: .message, streamID: 0x7FFF_FFFF) },
            wire: [0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF]
        ),
        GoldenFrame(
            // proto3 leaves a zero code out: the payload of an OK status without message is empty.
            name: "TRAILERS with code 0",
            frame: { XRPCFrame(type: .trailers, flags: .endStream, streamID: 1, payload: try payload(Xrpc_V1_Trailers())) },
            wire: [0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]
        ),
        GoldenFrame(
            name: "TRAILERS with code 5 and a message",
            frame: {
                var trailers = Xrpc_V1_Trailers()
                trailers.code = 5
                trailers.message = "nope"
                return XRPCFrame(type: .trailers, flags: .endStream, streamID: 1, payload: try payload(trailers))
            },
            wire: [0x00, 0x00, 0x00, 0x08, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]
                + [0x08, 0x05, 0x12, 0x04, 0x6E, 0x6F, 0x70, 0x65]
        ),
        GoldenFrame(
            name: "RST CANCEL with a UTF-8 reason",
            frame: {
                var payload = ByteBuffer()
                payload.writeInteger(XRPCErrorCode.cancel.rawValue)
                payload.writeString("spät")
                return XRPCFrame(type: .rst, streamID: 5, payload: payload)
            },
            wire: [0x00, 0x00, 0x00, 0x09, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05]
                + [0x00, 0x00, 0x00, 0x08, 0x73, 0x70, 0xC3, 0xA4, 0x74]
        ),
        GoldenFrame(
            name: "RST REFUSED_STREAM without a reason",
            frame: { XRPCFrame(type: .rst, streamID: 7, payload: ByteBuffer(integer: XRPCErrorCode.refusedStream.rawValue)) },
            wire: [0x00, 0x00, 0x00, 0x04, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x07]
        ),
        GoldenFrame(
            name: "PING",
            frame: { XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(integer: UInt64(0x0123_4567_89AB_CDEF))) },
            wire: [0x00, 0x00, 0x00, 0x08, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
                + [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]
        ),
        GoldenFrame(
            name: "PING ACK",
            frame: { XRPCFrame(type: .ping, flags: .ack, streamID: 0, payload: ByteBuffer(integer: UInt64(0x0123_4567_89AB_CDEF))) },
            wire: [0x00, 0x00, 0x00, 0x08, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
                + [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]
        ),
        GoldenFrame(
            name: "GOAWAY ENHANCE_YOUR_CALM with debug text",
            frame: {
                var payload = ByteBuffer()
                payload.writeInteger(UInt32(7))
                payload.writeInteger(XRPCErrorCode.enhanceYourCalm.rawValue)
                payload.writeString("drain")
                return XRPCFrame(type: .goaway, streamID: 0, payload: payload)
            },
            wire: [0x00, 0x00, 0x00, 0x0D, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
                + [0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x0B, 0x64, 0x72, 0x61, 0x69, 0x6E]
        ),
        GoldenFrame(
            name: "WINDOW_UPDATE",
            frame: { XRPCFrame(type: .windowUpdate, streamID: 3, payload: ByteBuffer(integer: UInt32(65_536))) },
            wire: [0x00, 0x00, 0x00, 0x04, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00]
        ),
        GoldenFrame(
            name: "unknown type 0x2A with unknown flags",
            frame: {
                XRPCFrame(
                    type: XRPCFrameType(rawValue: 0x2A), flags: XRPCFrameFlags(rawValue: 0xF0), streamID: 9,
                    payload: ByteBuffer(bytes: [0xDE, 0xAD, 0xBE, 0xEF])
                )
            },
            wire: [0x00, 0x00, 0x00, 0x04, 0x2A, 0xF0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0xDE, 0xAD, 0xBE, 0xEF]
        ),
    ]
}

@Suite("XRPC/1 frame codec: golden byte vectors")
struct FrameCodecTests {
    typealias F = FrameCodecFixtures

    @Test("writeXRPCFrame produces the golden bytes", arguments: GoldenFrame.all)
    func encodes(_ golden: GoldenFrame) throws {
        var buffer = ByteBuffer()
        let written = buffer.writeXRPCFrame(try golden.frame())
        #expect(F.bytes(of: buffer) == golden.wire)
        #expect(written == golden.wire.count)
    }

    @Test("the decoder turns the golden bytes back into the frame", arguments: GoldenFrame.all)
    func decodes(_ golden: GoldenFrame) throws {
        var decoder = F.decoder()
        var buffer = F.buffer(golden.wire)
        let frame = try #require(try decoder.decode(buffer: &buffer))
        #expect(frame == (try golden.frame()))
        #expect(frame.oversizedPayloadLength == nil)
        #expect(buffer.readableBytes == 0)
        #expect(try decoder.decode(buffer: &buffer) == nil)
    }

    @Test("every proper prefix of a frame decodes to nothing and consumes nothing", arguments: GoldenFrame.all)
    func prefixesWait(_ golden: GoldenFrame) throws {
        for length in 0..<golden.wire.count {
            var decoder = F.decoder()
            var buffer = F.buffer(Array(golden.wire.prefix(length)))
            #expect(try decoder.decode(buffer: &buffer) == nil, "prefix of \(length) bytes")
            #expect(buffer.readableBytes == length, "prefix of \(length) bytes")
        }
    }

    @Test("all golden frames back to back decode in order from one buffer")
    func backToBack() throws {
        let frames = try GoldenFrame.all.map { try $0.frame() }
        var buffer = F.buffer(GoldenFrame.all.flatMap(\.wire))
        var decoder = F.decoder()
        #expect(try F.decodeAll(&decoder, &buffer) == frames)
        #expect(buffer.readableBytes == 0)
    }

    @Test("the generated xrpc.v1 messages serialize to the hand-computed protobuf bytes")
    func protobufPayloads() throws {
        #expect(try GoldenFrame.settingsMessage().serializedBytes() as [UInt8] == GoldenFrame.settingsPayload)
        #expect(try GoldenFrame.requestHeadersMessage().serializedBytes() as [UInt8] == GoldenFrame.requestHeadersPayload)
        // And the decoded HEADERS payload parses back into the request.
        var decoder = F.decoder()
        var buffer = F.buffer(F.encode(XRPCFrame(type: .headers, streamID: 1, payload: F.buffer(GoldenFrame.requestHeadersPayload))))
        let frame = try #require(try decoder.decode(buffer: &buffer))
        let headers = try Xrpc_V1_RequestHeaders(serializedBytes: F.bytes(of: frame.payload))
        #expect(headers.method == "/voucherd.v1.Testing/Echo")
        #expect(headers.hasTimeoutMicros)
        #expect(headers.timeoutMicros == 1_000_000)
    }

    @Test("the client preface is 58 52 50 43 0D 0A 01 00 and the ALPN id is xrpc/1")
    func prefaceBytes() {
        #expect(XRPCPreface.bytes == [0x58, 0x52, 0x50, 0x43, 0x0D, 0x0A, 0x01, 0x00])
        #expect(XRPCPreface.alpn == "xrpc/1")
    }

    @Test("the preface followed by SETTINGS decodes to the SETTINGS frame when a preface is expected")
    func prefaceThenFrame() throws {
        let settings = GoldenFrame.all[0]
        var decoder = F.decoder(expectPreface: true)
        var buffer = F.buffer([0x58, 0x52, 0x50, 0x43, 0x0D, 0x0A, 0x01, 0x00] + settings.wire)
        #expect(try decoder.decode(buffer: &buffer) == (try settings.frame()))
        #expect(buffer.readableBytes == 0)
    }

    @Test("the preface is consumed on its own, and only once")
    func prefaceAlone() throws {
        var decoder = F.decoder(expectPreface: true)
        var buffer = F.buffer(XRPCPreface.bytes)
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == 0)
        // A second preface is now read as a frame header announcing 0x58525043 bytes.
        buffer.writeBytes(XRPCPreface.bytes + [0, 0, 0, 1])
        let error = #expect(throws: XRPCConnectionError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .frameSizeError)
    }

    @Test("a decoder that expects no preface reads the preface as a frame header")
    func noPrefaceExpected() throws {
        var decoder = F.decoder(expectPreface: false)
        var buffer = F.buffer(XRPCPreface.bytes + GoldenFrame.all[1].wire)
        let error = #expect(throws: XRPCConnectionError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .frameSizeError)
    }

    @Test("the writer clears the reserved top bit of the stream id")
    func writerMasksStreamID() {
        let wire = F.encode(XRPCFrame(type: .message, streamID: 0x8000_0001))
        #expect(wire == [0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01])
    }

    @Test("writeXRPCFrame appends after what the buffer already holds")
    func writerAppends() {
        var buffer = ByteBuffer(string: "ab")
        let frame = XRPCFrame(type: .ping, flags: .ack, streamID: 0, payload: ByteBuffer(integer: UInt64(1)))
        #expect(buffer.writeXRPCFrame(frame) == 20)
        #expect(F.bytes(of: buffer) == [0x61, 0x62] + F.header(length: 8, type: 5, flags: 2, streamID: 0) + [0, 0, 0, 0, 0, 0, 0, 1])
    }

    @Test(
        "frame types and error codes name themselves as the protocol does",
        arguments: [
            (XRPCFrameType.settings.description, "SETTINGS"), (XRPCFrameType.headers.description, "HEADERS"),
            (XRPCFrameType.message.description, "MESSAGE"), (XRPCFrameType.trailers.description, "TRAILERS"),
            (XRPCFrameType.rst.description, "RST"), (XRPCFrameType.ping.description, "PING"),
            (XRPCFrameType.goaway.description, "GOAWAY"), (XRPCFrameType.windowUpdate.description, "WINDOW_UPDATE"),
            (XRPCFrameType(rawValue: 0x2A).description, "UNKNOWN(42)"),
            (XRPCErrorCode.cancel.description, "CANCEL"), (XRPCErrorCode.frameSizeError.description, "FRAME_SIZE_ERROR"),
            (XRPCErrorCode(rawValue: 0x1F).description, "0x1f"),
        ]
    )
    func names(_ actual: String, _ expected: String) {
        #expect(actual == expected)
    }

    @Test(
        "frame type and flag values match the specification",
        arguments: [
            (XRPCFrameType.settings.rawValue, 0), (XRPCFrameType.headers.rawValue, 1), (XRPCFrameType.message.rawValue, 2),
            (XRPCFrameType.trailers.rawValue, 3), (XRPCFrameType.rst.rawValue, 4), (XRPCFrameType.ping.rawValue, 5),
            (XRPCFrameType.goaway.rawValue, 6), (XRPCFrameType.windowUpdate.rawValue, 7),
            (XRPCFrameFlags.endStream.rawValue, 0x01), (XRPCFrameFlags.ack.rawValue, 0x02),
            (XRPCFrameFlags.compressed.rawValue, 0x04), (XRPCFrameFlags.more.rawValue, 0x08),
        ] as [(UInt8, UInt8)]
    )
    func rawValues(_ actual: UInt8, _ expected: UInt8) {
        #expect(actual == expected)
    }
}
