import NIOCore
import NIOEmbedded
@testable import XRPC

// Everything here lives in `FrameCodecFixtures` so that it cannot collide with helpers that other
// test files of this target declare.

/// Shared fixtures of the frame codec tests.
enum FrameCodecFixtures {
    /// The limits of `XRPCSettings.defaults`, spelled out so that a change of the defaults does not
    /// silently change what these tests check.
    static let maxFramePayload = 65_536
    static let maxHeaderSize = 16_384

    /// A decoder with the default limits.
    static func decoder(expectPreface: Bool = false) -> XRPCFrameDecoder {
        XRPCFrameDecoder(expectPreface: expectPreface, maxFramePayload: maxFramePayload, maxHeaderSize: maxHeaderSize)
    }

    /// A raw 12-byte frame header, assembled by hand rather than by the code under test.
    static func header(length: UInt32, type: UInt8, flags: UInt8 = 0, reserved: UInt16 = 0, streamID: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes += withUnsafeBytes(of: length.bigEndian, Array.init)
        bytes += [type, flags]
        bytes += withUnsafeBytes(of: reserved.bigEndian, Array.init)
        bytes += withUnsafeBytes(of: streamID.bigEndian, Array.init)
        return bytes
    }

    /// What the decoder emits for a HEADERS or TRAILERS frame above the header-size limit.
    static func oversized(_ type: XRPCFrameType, flags: XRPCFrameFlags = [], streamID: UInt32, length: Int) -> XRPCFrame {
        var frame = XRPCFrame(type: type, flags: flags, streamID: streamID)
        frame.oversizedPayloadLength = length
        return frame
    }

    /// A buffer holding exactly `bytes`.
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: bytes)
    }

    /// The readable bytes of `buffer`, for comparisons with hex literals.
    static func bytes(of buffer: ByteBuffer) -> [UInt8] {
        Array(buffer.readableBytesView)
    }

    /// The wire bytes of `frame`, as `writeXRPCFrame` produces them.
    static func encode(_ frames: XRPCFrame...) -> [UInt8] {
        var buffer = ByteBuffer()
        for frame in frames { buffer.writeXRPCFrame(frame) }
        return Self.bytes(of: buffer)
    }

    /// Every frame the channel-free `decode(buffer:)` yields from `buffer`, calling it again after
    /// a `nil` as long as that call consumed bytes (a skipped payload also returns `nil`).
    static func decodeAll(_ decoder: inout XRPCFrameDecoder, _ buffer: inout ByteBuffer) throws -> [XRPCFrame] {
        var frames: [XRPCFrame] = []
        while true {
            let before = buffer.readerIndex
            if let frame = try decoder.decode(buffer: &buffer) {
                frames.append(frame)
            } else if buffer.readerIndex == before || buffer.readableBytes == 0 {
                return frames
            }
        }
    }

    /// An `EmbeddedChannel` whose pipeline is `ByteToMessageHandler(decoder)`.
    static func pipeline(_ decoder: XRPCFrameDecoder) -> EmbeddedChannel {
        EmbeddedChannel(handler: ByteToMessageHandler(decoder))
    }

    /// Every frame `channel` has passed on so far.
    static func readFrames(_ channel: EmbeddedChannel) throws -> [XRPCFrame] {
        var frames: [XRPCFrame] = []
        while let frame = try channel.readInbound(as: XRPCFrame.self) {
            frames.append(frame)
        }
        return frames
    }
}
