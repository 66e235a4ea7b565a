import NIOCore
import Testing
@testable import XRPC

@Suite("XRPC/1 frame codec: decoder limits, preface and reserved bits")
struct FrameCodecLimitTests {
    typealias F = FrameCodecFixtures

    static let allTypes: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 0x2A]

    // MARK: - max_frame_payload

    @Test("a length above max_frame_payload throws FRAME_SIZE_ERROR once the 12 header bytes are in", arguments: allTypes)
    func frameTooLarge(_ type: UInt8) throws {
        let header = F.header(length: UInt32(F.maxFramePayload + 1), type: type, streamID: 1)
        var decoder = F.decoder()
        // Eleven bytes: the length is already visible, but the header is not complete yet.
        var partial = F.buffer(Array(header.prefix(11)))
        #expect(try decoder.decode(buffer: &partial) == nil)
        // Twelve bytes and no payload at all: rejected without waiting for it.
        var buffer = F.buffer(header)
        let error = #expect(throws: XRPCConnectionError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .frameSizeError)
        // The GOAWAY debug text of PROTOCOL.md §8.2.
        #expect(error?.message == "frame payload of 65537 bytes exceeds the limit of 65536")
    }

    @Test("the largest length field is rejected without buffering", arguments: [UInt32.max, 0x8000_0000, 65_537])
    func hugeLengths(_ length: UInt32) throws {
        var decoder = XRPCFrameDecoder(expectPreface: false, maxFramePayload: 65_536, maxHeaderSize: 1_024)
        var buffer = F.buffer(F.header(length: length, type: 1, streamID: 1))
        let error = #expect(throws: XRPCConnectionError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .frameSizeError)
    }

    @Test("a payload of exactly max_frame_payload is waited for and then delivered")
    func frameAtLimit() throws {
        var decoder = F.decoder()
        var buffer = F.buffer(F.header(length: UInt32(F.maxFramePayload), type: 2, streamID: 1))
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == 12)
        buffer.writeRepeatingByte(0x5A, count: F.maxFramePayload - 1)
        #expect(try decoder.decode(buffer: &buffer) == nil)
        buffer.writeInteger(UInt8(0x5A))
        let frame = try #require(try decoder.decode(buffer: &buffer))
        #expect(frame.payload == ByteBuffer(repeating: 0x5A, count: F.maxFramePayload))
        #expect(frame.oversizedPayloadLength == nil)
        #expect(buffer.readableBytes == 0)
    }

    // MARK: - max_header_size

    static let headerLimit = 1_024

    static func headerLimitedDecoder() -> XRPCFrameDecoder {
        XRPCFrameDecoder(expectPreface: false, maxFramePayload: F.maxFramePayload, maxHeaderSize: headerLimit)
    }

    @Test(
        "HEADERS/TRAILERS above max_header_size come out at once, payload empty, and the payload is skipped in pieces",
        arguments: [(.headers, []), (.headers, .endStream), (.trailers, .endStream), (.trailers, [])] as [(XRPCFrameType, XRPCFrameFlags)],
        [headerLimit + 1, 5_000]
    )
    func oversizedHeaderFrames(_ type: (XRPCFrameType, XRPCFrameFlags), _ length: Int) throws {
        var decoder = Self.headerLimitedDecoder()
        var buffer = F.buffer(F.header(length: UInt32(length), type: type.0.rawValue, flags: type.1.rawValue, streamID: 0x8000_0003))
        let frame = try #require(try decoder.decode(buffer: &buffer))
        #expect(frame == F.oversized(type.0, flags: type.1, streamID: 3, length: length))
        #expect(frame.payload.readableBytes == 0)
        #expect(buffer.readableBytes == 0)

        // The payload trickles in, 7 bytes at a time; none of it becomes a frame.
        var remaining = length
        while remaining > 0 {
            let chunk = min(7, remaining)
            buffer.writeRepeatingByte(0x01, count: chunk)  // would read as a frame header if not skipped
            #expect(try decoder.decode(buffer: &buffer) == nil)
            #expect(buffer.readableBytes == 0)
            remaining -= chunk
        }
        let next = XRPCFrame(type: .message, flags: .endStream, streamID: 5, payload: ByteBuffer(string: "next"))
        buffer.writeXRPCFrame(next)
        #expect(try decoder.decode(buffer: &buffer) == next)
        #expect(buffer.readableBytes == 0)
    }

    @Test("the skipped payload and the next frame in one buffer: the frame follows the skip")
    func oversizedThenFrameInOneBuffer() throws {
        var decoder = Self.headerLimitedDecoder()
        let oversized = XRPCFrame(type: .headers, streamID: 1, payload: ByteBuffer(repeating: 0x01, count: 2_000))
        let ping = XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(integer: UInt64(9)))
        var buffer = F.buffer(F.encode(oversized, ping))
        #expect(try decoder.decode(buffer: &buffer) == F.oversized(.headers, streamID: 1, length: 2_000))
        // The skip may or may not come back as a separate nil; either way the PING follows.
        #expect(try F.decodeAll(&decoder, &buffer) == [ping])
        #expect(buffer.readableBytes == 0)
    }

    @Test("HEADERS/TRAILERS of exactly max_header_size are delivered with their payload", arguments: [XRPCFrameType.headers, .trailers])
    func headerFrameAtLimit(_ type: XRPCFrameType) throws {
        var decoder = Self.headerLimitedDecoder()
        let frame = XRPCFrame(type: type, streamID: 1, payload: ByteBuffer(repeating: 0x33, count: Self.headerLimit))
        var buffer = F.buffer(F.encode(frame))
        #expect(try decoder.decode(buffer: &buffer) == frame)
        #expect(buffer.readableBytes == 0)
    }

    @Test("other frame types are not held to max_header_size", arguments: [0, 2, 4, 5, 6, 7, 0x2A] as [UInt8])
    func headerLimitOnlyForHeaders(_ type: UInt8) throws {
        var decoder = Self.headerLimitedDecoder()
        let frame = XRPCFrame(type: XRPCFrameType(rawValue: type), streamID: 1, payload: ByteBuffer(repeating: 0x33, count: 4_000))
        var buffer = F.buffer(F.encode(frame))
        #expect(try decoder.decode(buffer: &buffer) == frame)
    }

    @Test("HEADERS above max_frame_payload is a connection error, not an oversized frame")
    func headersAboveFrameLimit() throws {
        var decoder = Self.headerLimitedDecoder()
        var buffer = F.buffer(F.header(length: UInt32(F.maxFramePayload + 1), type: 1, streamID: 1))
        let error = #expect(throws: XRPCConnectionError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .frameSizeError)
    }

    // MARK: - Preface

    @Test(
        "a wrong preface throws PROTOCOL_ERROR as soon as the first wrong byte is in",
        arguments: [
            Array("GET".utf8), Array("G".utf8), Array("PRI * HTTP/2.0\r\n".utf8), Array("XRPD".utf8),
            [0x58, 0x52, 0x50, 0x43, 0x0D, 0x0A, 0x02, 0x00],  // XRPC/2.0
            [0x58, 0x52, 0x50, 0x43, 0x0D, 0x0A, 0x01, 0x01],  // XRPC/1.1
            [0x16, 0x03, 0x01, 0x00],  // a TLS ClientHello on the plaintext side
            F.header(length: 0, type: 0, flags: 2, streamID: 0),  // a frame without the preface
        ] as [[UInt8]]
    )
    func badPreface(_ input: [UInt8]) throws {
        var decoder = F.decoder(expectPreface: true)
        var buffer = F.buffer(input)
        let error = #expect(throws: XRPCConnectionError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .protocolError)
        // The GOAWAY debug text of PROTOCOL.md §3.1.
        #expect(error?.message == #"bad preface: expected 58 52 50 43 0d 0a 01 00 ("XRPC\r\n" 1.0)"#)
    }

    @Test("a correct but incomplete preface waits and consumes nothing", arguments: 0..<8)
    func partialPreface(_ length: Int) throws {
        var decoder = F.decoder(expectPreface: true)
        var buffer = F.buffer(Array(XRPCPreface.bytes.prefix(length)))
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == length)
    }

    @Test("preface and frame fed one byte at a time into an accumulating buffer")
    func prefaceDripFed() throws {
        let frame = XRPCFrame(type: .settings, streamID: 0, payload: F.buffer(GoldenFrame.settingsPayload))
        let wire = XRPCPreface.bytes + F.encode(frame)
        var decoder = F.decoder(expectPreface: true)
        var buffer = ByteBuffer()
        var frames: [XRPCFrame] = []
        for byte in wire {
            buffer.writeInteger(byte)
            if let decoded = try decoder.decode(buffer: &buffer) { frames.append(decoded) }
        }
        #expect(frames == [frame])
        #expect(buffer.readableBytes == 0)
    }

    // MARK: - Reserved bits

    @Test("the reserved u16 of the header is ignored on receipt", arguments: [0x0001, 0x8000, 0xFFFF] as [UInt16])
    func reservedFieldIgnored(_ reserved: UInt16) throws {
        var decoder = F.decoder()
        var buffer = F.buffer(F.header(length: 2, type: 2, flags: 8, reserved: reserved, streamID: 7) + [0xAA, 0xBB])
        #expect(try decoder.decode(buffer: &buffer) == XRPCFrame(type: .message, flags: .more, streamID: 7, payload: F.buffer([0xAA, 0xBB])))
        #expect(buffer.readableBytes == 0)
    }

    @Test(
        "the reserved top bit of the stream id is masked off on receipt",
        arguments: [(0x8000_0005, 5), (0xFFFF_FFFF, 0x7FFF_FFFF), (0x8000_0000, 0), (0x7FFF_FFFF, 0x7FFF_FFFF)] as [(UInt32, UInt32)]
    )
    func streamIDMasked(_ raw: UInt32, _ expected: UInt32) throws {
        var decoder = F.decoder()
        var buffer = F.buffer(F.header(length: 1, type: 2, flags: 1, streamID: raw) + [0xEE])
        let frame = try #require(try decoder.decode(buffer: &buffer))
        #expect(frame == XRPCFrame(type: .message, flags: .endStream, streamID: expected, payload: F.buffer([0xEE])))
    }
}
