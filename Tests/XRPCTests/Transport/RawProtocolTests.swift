import Foundation
import NIOCore
import SwiftProtobuf
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

/// The server's answers to exact byte sequences: what a gateway written from docs/PROTOCOL.md
/// alone would send, and what a broken or hostile peer would.
@Suite("Raw protocol behaviour", .timeLimit(.minutes(2)))
struct RawProtocolTests {
    static let echo = "/voucherd.v1.Testing/Echo"

    /// HEADERS for Echo, then the request as one MESSAGE|END_STREAM: a whole unary call.
    static func unaryCall(
        stream id: UInt32,
        _ request: Voucherd_V1_EchoRequest,
        timeoutMicros: UInt64? = nil,
        metadata: [(String, String)] = []
    ) throws -> [XRPCFrame] {
        [
            XRPCFrame(type: .headers, streamID: id, payload: RawXRPCConnection.requestHeaders(method: Self.echo, timeoutMicros: timeoutMicros, metadata: metadata)),
            XRPCFrame(type: .message, flags: .endStream, streamID: id, payload: try Self.echoMessage(request)),
        ]
    }

    static func echoMessage(_ request: Voucherd_V1_EchoRequest) throws -> ByteBuffer {
        ByteBuffer(bytes: try request.serializedBytes() as [UInt8])
    }

    static func trailers(_ frame: XRPCFrame) throws -> Xrpc_V1_Trailers {
        #expect(frame.type == .trailers)
        #expect(frame.flags.contains(.endStream))
        return try Xrpc_V1_Trailers(serializedBytes: Array(frame.payload.readableBytesView))
    }

    static func goAway(_ frame: XRPCFrame) -> (lastStreamID: UInt32, code: XRPCErrorCode, debug: String)? {
        guard frame.type == .goaway else { return nil }
        var payload = frame.payload
        guard let last = payload.readInteger(as: UInt32.self), let code = payload.readInteger(as: UInt32.self) else { return nil }
        return (last, XRPCErrorCode(rawValue: code), payload.readString(length: payload.readableBytes) ?? "")
    }

    static func options(_ pki: TestPKI) -> RawXRPCConnection.TLSOptions {
        RawXRPCConnection.TLSOptions(certificate: pki.client.certificate, key: pki.client.key, trustRoots: pki.caPEM)
    }

    @Test("a unary call ending with MESSAGE|END_STREAM, as a minimal gateway sends it")
    func unaryWithEndStreamOnMessage() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: Self.options(pki)) { connection in
                let settings = try await connection.handshake()
                // Config.defaults, announced with flow control: a window of one whole message.
                #expect(try XRPCSettings.decode(settings.payload) == XRPCConnectionHandler.announced(.defaults, flowControl: true))
                try await connection.send(Self.unaryCall(stream: 1, .with(payload: "hello"), metadata: [("x-gateway", "pos-7")]))
                let headers = try await connection.expectFrame()
                #expect(headers.type == .headers && headers.streamID == 1)
                let message = try await connection.expectFrame()
                #expect(message.type == .message && message.flags.isEmpty)
                let response = try Voucherd_V1_EchoResponse(serializedBytes: Array(message.payload.readableBytesView))
                #expect(response.payload == Data("hello".utf8))
                #expect(response.metadata.contains("x-gateway=pos-7"))
                #expect(try Self.trailers(try await connection.expectFrame()).code == 0)
            }
        }
    }

    @Test("PING is answered with ACK and the same bytes; unknown frame types are ignored")
    func pingAndUnknownFrames() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: Self.options(pki)) { connection in
                try await connection.handshake()
                try await connection.send(
                    XRPCFrame(type: XRPCFrameType(rawValue: 0x2A), flags: [.more, .ack], streamID: 99, payload: ByteBuffer(string: "future")),
                    XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8]))
                )
                let pong = try await connection.expectFrame()
                #expect(pong == XRPCFrame(type: .ping, flags: .ack, streamID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])))
            }
        }
    }

    @Test("a fragmented request message is reassembled")
    func fragmentedRequest() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: Self.options(pki)) { connection in
                try await connection.handshake()
                var message = try Self.echoMessage(.with(payload: String(repeating: "z", count: 100_000)))
                try await connection.send(XRPCFrame(type: .headers, streamID: 1, payload: RawXRPCConnection.requestHeaders(method: Self.echo)))
                while message.readableBytes > 0 {
                    let chunk = message.readSlice(length: min(30_000, message.readableBytes))!
                    try await connection.send(XRPCFrame(type: .message, flags: message.readableBytes > 0 ? .more : .endStream, streamID: 1, payload: chunk))
                }
                _ = try await connection.expectFrame()  // HEADERS
                var received = ByteBuffer()
                while true {
                    var frame = try await connection.expectFrame()
                    #expect(frame.type == .message)
                    #expect(frame.payload.readableBytes <= XRPCSettings.defaults.maxFramePayload)
                    received.writeBuffer(&frame.payload)
                    if !frame.flags.contains(.more) { break }
                }
                let response = try Voucherd_V1_EchoResponse(serializedBytes: Array(received.readableBytesView))
                #expect(response.payload.count == 100_000)
                #expect(try Self.trailers(try await connection.expectFrame()).code == 0)
            }
        }
    }

    @Test("the server enforces the deadline itself: DEADLINE_EXCEEDED trailers with no RST from the client")
    func serverSideDeadline() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)]) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: Self.options(pki)) { connection in
                try await connection.handshake()
                try await connection.send(Self.unaryCall(stream: 1, .with(payload: "slow", delayMillis: 60_000), timeoutMicros: 1_500_000))
                try await events.wait(for: "started:Echo")
                let trailers = try Self.trailers(try await connection.expectFrame())
                #expect(trailers.code == 4)  // DEADLINE_EXCEEDED
                try await events.wait(for: "cancelled:Echo")
            }
        }
    }

    @Test("a request message over the limit is answered RESOURCE_EXHAUSTED and the connection carries on")
    func requestMessageTooLarge() async throws {
        let pki = try TestPKI.make()
        var config = XRPCServerTransport.Config.defaults
        config.settings.maxMessageSize = 100_000
        try await TestHarness.withServer(pki: pki, config: config) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: Self.options(pki)) { connection in
                let settings = try await connection.handshake()
                #expect(try XRPCSettings.decode(settings.payload).maxMessageSize == 100_000)
                try await connection.send(XRPCFrame(type: .headers, streamID: 1, payload: RawXRPCConnection.requestHeaders(method: Self.echo)))
                for _ in 0..<4 {
                    try await connection.send(XRPCFrame(type: .message, flags: .more, streamID: 1, payload: ByteBuffer(repeating: 0x0A, count: 30_000)))
                }
                try await connection.send(XRPCFrame(type: .message, flags: .endStream, streamID: 1, payload: ByteBuffer(repeating: 0x0A, count: 10)))
                let trailers = try Self.trailers(try await connection.expectFrame())
                #expect(trailers.code == 8)  // RESOURCE_EXHAUSTED
                #expect(trailers.message.contains("100000"))
                // Same connection, next call.
                try await connection.send(Self.unaryCall(stream: 3, .with(payload: "ok")))
                #expect(try await connection.expectFrame().type == .headers)
            }
        }
    }

    @Test("request headers over the limit are answered trailers-only RESOURCE_EXHAUSTED")
    func requestHeadersTooLarge() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: Self.options(pki)) { connection in
                try await connection.handshake()
                let big = RawXRPCConnection.requestHeaders(method: Self.echo, metadata: [("x-big", String(repeating: "b", count: 20_000))])
                try await connection.send(
                    XRPCFrame(type: .headers, streamID: 1, payload: big),
                    XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 9]))
                )
                let trailers = try Self.trailers(try await connection.expectFrame())
                #expect(trailers.code == 8)
                #expect(trailers.message.contains("16384"))
                #expect(try await connection.expectFrame().type == .ping)
            }
        }
    }

    @Test("a stream beyond max_concurrent_streams is refused with REFUSED_STREAM")
    func concurrencyLimit() async throws {
        let pki = try TestPKI.make()
        var config = XRPCServerTransport.Config.defaults
        config.settings.maxConcurrentStreams = 2
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)], config: config) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: Self.options(pki)) { connection in
                try await connection.handshake()
                for id: UInt32 in [1, 3, 5] {
                    try await connection.send(Self.unaryCall(stream: id, .with(payload: "wait", delayMillis: 60_000)))
                }
                let reset = try await connection.expectFrame()
                #expect(reset.type == .rst && reset.streamID == 5)
                #expect(reset.payload.getInteger(at: reset.payload.readerIndex, as: UInt32.self) == XRPCErrorCode.refusedStream.rawValue)
                try await events.wait(for: "started:Echo", count: 2)
            }
        }
    }

    @Test("a MESSAGE after the client ended its side is a STREAM_CLOSED stream error")
    func frameAfterEndStream() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)]) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: Self.options(pki)) { connection in
                try await connection.handshake()
                try await connection.send(Self.unaryCall(stream: 1, .with(payload: "a", delayMillis: 60_000)))
                try await events.wait(for: "started:Echo")
                try await connection.send(XRPCFrame(type: .message, streamID: 1, payload: try Self.echoMessage(.with(payload: "late"))))
                let reset = try await connection.expectFrame()
                #expect(reset.type == .rst && reset.streamID == 1)
                #expect(reset.payload.getInteger(at: reset.payload.readerIndex, as: UInt32.self) == XRPCErrorCode.streamClosed.rawValue)
                try await events.wait(for: "cancelled:Echo")
            }
        }
    }

    @Test("metadata that breaks the rules is refused with RST PROTOCOL_ERROR naming the key")
    func invalidMetadata() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: Self.options(pki)) { connection in
                try await connection.handshake()
                for (id, key) in [(UInt32(1), "bad key!"), (3, "trace-bin")] {
                    try await connection.send(Self.unaryCall(stream: id, .with(payload: "x"), metadata: [(key, "v")]))
                    let reset = try await connection.expectFrame()
                    #expect(reset.type == .rst && reset.streamID == id)
                    var payload = reset.payload
                    #expect(payload.readInteger(as: UInt32.self) == XRPCErrorCode.protocolError.rawValue)
                    #expect(payload.readString(length: payload.readableBytes)?.contains(key) == true)
                }
            }
        }
    }

    enum ConnectionBreach: String, CaseIterable, CustomTestStringConvertible {
        case badPreface = "a bad preface"
        case oversizedLength = "a length field over the frame limit"
        case neverOpenedStream = "a frame for a stream never opened"
        case evenStreamID = "HEADERS on an even stream id"
        case streamIDBackwards = "a stream id that goes backwards"
        case settingsFirst = "a first frame other than SETTINGS"
        case settingsTwice = "SETTINGS twice"

        var testDescription: String { self.rawValue }

        var expectedCode: XRPCErrorCode {
            self == .oversizedLength ? .frameSizeError : .protocolError
        }
    }

    @Test("connection errors get GOAWAY with the defined code, then a close; others are still served", arguments: ConnectionBreach.allCases)
    func connectionErrors(breach: ConnectionBreach) async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            let frames = try await RawXRPCConnection.with(port: endpoint.port, tls: Self.options(pki)) { connection in
                let headers = { (id: UInt32) in XRPCFrame(type: .headers, streamID: id, payload: RawXRPCConnection.requestHeaders(method: Self.echo)) }
                switch breach {
                case .badPreface:
                    try await connection.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                case .oversizedLength:
                    try await connection.handshake()
                    try await connection.send([0x7F, 0xFF, 0xFF, 0xFF, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01])
                case .neverOpenedStream:
                    try await connection.handshake()
                    try await connection.send(XRPCFrame(type: .message, streamID: 7, payload: ByteBuffer(string: "?")))
                case .evenStreamID:
                    try await connection.handshake()
                    try await connection.send(headers(2))
                case .streamIDBackwards:
                    try await connection.handshake()
                    try await connection.send(headers(5), headers(3))
                case .settingsFirst:
                    try await connection.send(XRPCPreface.bytes)
                    try await connection.send(XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 0])))
                case .settingsTwice:
                    try await connection.handshake()
                    try await connection.send(XRPCFrame(type: .settings, streamID: 0, payload: ByteBuffer(bytes: RawXRPCConnection.defaultSettingsPayload)))
                }
                return try await connection.framesUntilClose()
            }
            let goAways = frames.compactMap(Self.goAway)
            #expect(goAways.count == 1, "frames: \(frames.map(\.type))")
            #expect(goAways.first?.code == breach.expectedCode)
            #expect(goAways.first?.debug.isEmpty == false)
            try await TLSRefusalTests.expectServing(endpoint: endpoint, pki: pki)
        }
    }
}
