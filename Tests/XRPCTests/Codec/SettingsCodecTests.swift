import NIOCore
import SwiftProtobuf
import Testing
@testable import XRPC

@Suite("XRPC/1 frame codec: XRPCSettings payloads")
struct SettingsCodecTests {
    typealias F = FrameCodecFixtures

    static func settings(_ frame: Int, _ message: Int, _ header: Int, _ streams: Int, _ window: Int) -> XRPCSettings {
        XRPCSettings(
            maxFramePayload: frame, maxMessageSize: message, maxHeaderSize: header,
            maxConcurrentStreams: streams, initialWindowSize: window
        )
    }

    @Test("the defaults are the documented protocol defaults and encode to the golden SETTINGS payload")
    func defaultsEncoding() throws {
        #expect(XRPCSettings.defaults == Self.settings(65_536, 4_194_304, 16_384, 100, 65_536))
        #expect(XRPCSettings.minimumFramePayload == 16_384)
        #expect(F.bytes(of: try XRPCSettings.defaults.encoded()) == GoldenFrame.settingsPayload)
    }

    @Test(
        "encoded() and decode(_:) round-trip",
        arguments: [
            XRPCSettings.defaults,
            settings(16_384, 1, 1_024, 1, 1),
            settings(20_000, 1_000_000, 2_048, 7, 300_000),
            settings(Int(UInt32.max >> 1), Int(UInt32.max), 16_384, Int(UInt32.max), Int(UInt32.max >> 1)),
        ]
    )
    func roundTrip(_ settings: XRPCSettings) throws {
        #expect(try XRPCSettings.decode(settings.encoded()) == settings)
    }

    @Test("encoded() is a plain xrpc.v1.Settings")
    func encodedIsProtobuf() throws {
        let payload = try Self.settings(20_000, 1_000_000, 2_048, 7, 300_000).encoded()
        let message = try Xrpc_V1_Settings(serializedBytes: F.bytes(of: payload))
        #expect(message.maxFramePayload == 20_000)
        #expect(message.maxMessageSize == 1_000_000)
        #expect(message.maxHeaderSize == 2_048)
        #expect(message.maxConcurrentStreams == 7)
        #expect(message.initialWindowSize == 300_000)
    }

    @Test(
        "absent and zero fields take the protocol defaults",
        arguments: [
            ([], XRPCSettings.defaults),
            // Explicit zeros on the wire (proto3 would leave them out, but they are legal).
            ([0x08, 0x00, 0x10, 0x00, 0x18, 0x00, 0x20, 0x00, 0x28, 0x00], XRPCSettings.defaults),
            // Only max_message_size = 1000.
            ([0x10, 0xE8, 0x07], settings(65_536, 1_000, 16_384, 100, 65_536)),
            // Only max_concurrent_streams = 3 and initial_window_size = 0.
            ([0x20, 0x03, 0x28, 0x00], settings(65_536, 4_194_304, 16_384, 3, 65_536)),
            // An unknown field 9 (varint 1) from a newer peer is ignored.
            ([0x48, 0x01, 0x18, 0x80, 0x10], settings(65_536, 4_194_304, 2_048, 100, 65_536)),
            // Fields in any order; a repeated scalar field: the last one wins (PROTOCOL.md §4.12).
            ([0x28, 0x07, 0x20, 0x03, 0x08, 0x80, 0x80, 0x02, 0x20, 0x05], settings(32_768, 4_194_304, 16_384, 5, 7)),
        ] as [([UInt8], XRPCSettings)]
    )
    func defaultsForAbsentFields(_ payload: [UInt8], _ expected: XRPCSettings) throws {
        #expect(try XRPCSettings.decode(F.buffer(payload)) == expected)
    }

    @Test(
        "a payload that is not a valid xrpc.v1.Settings throws PROTOCOL_ERROR",
        arguments: [
            [0x08, 0x80],  // truncated varint
            [0x0A, 0x05, 0x01],  // length-delimited field running past the end
            [0xFF],  // wire type 7 does not exist
            [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],  // varint longer than 10 bytes
        ] as [[UInt8]]
    )
    func invalidProtobuf(_ payload: [UInt8]) throws {
        let error = #expect(throws: XRPCConnectionError.self) { try XRPCSettings.decode(F.buffer(payload)) }
        #expect(error?.code == .protocolError)
    }

    @Test("max_frame_payload below 16384 throws PROTOCOL_ERROR", arguments: [1, 1_024, 16_383] as [UInt32])
    func framePayloadBelowMinimum(_ value: UInt32) throws {
        var message = Xrpc_V1_Settings()
        message.maxFramePayload = value
        let payload = ByteBuffer(bytes: try message.serializedBytes() as [UInt8])
        let error = #expect(throws: XRPCConnectionError.self) { try XRPCSettings.decode(payload) }
        #expect(error?.code == .protocolError)
    }

    @Test("max_frame_payload of exactly 16384 is accepted")
    func framePayloadAtMinimum() throws {
        // 16384 = varint 80 80 01; max_header_size is left at its default, 16384.
        let settings = try XRPCSettings.decode(F.buffer([0x08, 0x80, 0x80, 0x01]))
        #expect(settings.maxFramePayload == 16_384)
        #expect(settings.maxHeaderSize == 16_384)
    }

    // Header payloads are never fragmented, so a peer's header limit above its frame limit is
    // read as its frame limit (docs/PROTOCOL.md §3.3).
    @Test("a peer's max_header_size above its max_frame_payload is clamped to it")
    func decodedHeaderSizeClamped() throws {
        let settings = try XRPCSettings.decode(F.buffer([0x08, 0x80, 0x80, 0x01, 0x18, 0x80, 0x80, 0x04]))
        #expect(settings.maxFramePayload == 16_384)
        #expect(settings.maxHeaderSize == 16_384)
    }

    @Test("a peer's max_header_size below 1024 is a PROTOCOL_ERROR")
    func decodedHeaderSizeTooSmall() throws {
        // max_header_size = 100
        #expect(throws: XRPCConnectionError.self) {
            try XRPCSettings.decode(F.buffer([0x18, 0x64]))
        }
        do {
            _ = try XRPCSettings.decode(F.buffer([0x18, 0x64]))
        } catch let error as XRPCConnectionError {
            #expect(error.code == .protocolError)
            #expect(error.message.contains("max_header_size"))
        }
    }

    // MARK: - normalized

    @Test(
        "normalized clamps every value into the protocol's range",
        arguments: [
            // Frame payload raised to the minimum; header size never above the frame payload.
            (settings(1_000, 4_194_304, 65_536, 100, 65_536), settings(16_384, 4_194_304, 16_384, 100, 65_536)),
            (settings(20_000, 4_194_304, 30_000, 100, 65_536), settings(20_000, 4_194_304, 20_000, 100, 65_536)),
            // Header size raised to 1 KiB; zero and negative values raised to 1.
            (settings(65_536, 0, 10, 0, 0), settings(65_536, 1, 1_024, 1, 1)),
            (settings(-5, -5, -5, -5, -5), settings(16_384, 1, 1_024, 1, 1)),
            // Values above what the wire can carry are capped.
            (
                settings(Int.max, Int.max, Int.max, Int.max, Int.max),
                settings(Int(UInt32.max >> 1), Int(UInt32.max), Int(UInt32.max >> 1), Int(UInt32.max), Int(UInt32.max >> 1))
            ),
            // Values in range are kept.
            (settings(16_384, 1, 1_024, 1, 1), settings(16_384, 1, 1_024, 1, 1)),
            (XRPCSettings.defaults, XRPCSettings.defaults),
        ] as [(XRPCSettings, XRPCSettings)]
    )
    func normalizedClamps(_ input: XRPCSettings, _ expected: XRPCSettings) throws {
        let normalized = input.normalized
        #expect(normalized == expected)
        #expect(normalized.normalized == normalized)
        #expect(normalized.maxHeaderSize <= normalized.maxFramePayload)
        // Whatever normalized yields can be announced and is accepted by the peer as is.
        #expect(try XRPCSettings.decode(normalized.encoded()) == normalized)
    }
}
