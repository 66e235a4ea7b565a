import Foundation
import GRPCCore
import NIOCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Per-stream flow control", .timeLimit(.minutes(2)))
struct FlowControlTests {
    typealias H = HardeningFixtures

    /// max_message_size 64 KiB, so the window is 64 KiB and the connection's read budget 128 KiB.
    static func serverConfig() -> XRPCServerTransport.Config {
        var config = H.config()
        config.settings.maxMessageSize = 64 * 1_024
        config.settings.initialWindowSize = 64 * 1_024
        return config
    }

    /// A raw client's SETTINGS: max_message_size and initial_window_size 65536, flow_control on.
    static let flowControlSettings: [UInt8] = [0x10, 0x80, 0x80, 0x04, 0x28, 0x80, 0x80, 0x04, 0x30, 0x01]

    @Test("a handler that stops reading its stream does not hold back another call on the connection")
    func slowReaderDoesNotBlockOthers() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)], config: Self.serverConfig()) { endpoint in
            let transport = try XRPCClientTransport(endpoints: [endpoint], tls: pki.clientTLS())
            try await withGRPCClient(transport: transport) { grpc in
                let client = Voucherd_V1_Testing.Client(wrapping: grpc)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        _ = try? await client.collect(requestProducer: { writer in
                            // The handler stops reading after this message (it waits on it).
                            try await writer.write(.with(delayMillis: 600_000))
                            // 1.3 MB for a stream nobody reads, ten times the connection's read
                            // budget, which used to pause reading for every call on it. The
                            // writer now stops at the stream's window.
                            let chunk = String(repeating: "s", count: 32_000)
                            for _ in 0..<40 { try await writer.write(.with(payload: chunk)) }
                        })
                    }
                    try await events.wait(for: "started:Collect")
                    // Once the writer waits for credit, a whole window of unread bytes is on
                    // the server, held for that stream alone.
                    try await ClientProbe.waitUntil { try await ClientProbe.snapshot(transport).waitingForCredit > 0 }
                    let echo = try await client.echo(.with(payload: "not held back"))
                    #expect(echo.payload == Data("not held back".utf8))
                    group.cancelAll()
                }
            }
        }
    }

    @Test("a client sending beyond its window gets RST FLOW_CONTROL_ERROR; the server keeps at most a window")
    func overflowIsAStreamError() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki, config: Self.serverConfig()) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                let settings = try await connection.handshake(settingsPayload: Self.flowControlSettings)
                #expect(try XRPCSettings.decode(settings.payload).flowControl)
                // The handler waits on its first message and reads no more.
                try await connection.send(H.headers(1, method: "/voucherd.v1.Testing/Collect"), try H.request(1, .with(delayMillis: 600_000), endStream: false))
                // A window and more of fragments (at most the first message's bytes come back).
                let fragment = ByteBuffer(repeating: 0x61, count: 16_384)
                let frames = (0..<5).map { _ in XRPCFrame(type: .message, flags: .more, streamID: 1, payload: fragment) }
                try await connection.send(frames)
                var reset: XRPCFrame?
                while reset == nil, let frame = try await connection.nextFrame() {
                    if frame.type == .rst && frame.streamID == 1 { reset = frame }
                }
                let rst = try #require(reset)
                #expect(H.code(of: rst) == .flowControlError)
                // The connection carries on.
                try await connection.send(H.headers(3), try H.request(3, .with(payload: "after")))
                var answered = false
                while !answered, let frame = try await connection.nextFrame() {
                    if frame.streamID == 3 && frame.type == .trailers { answered = true }
                }
                #expect(answered)
            }
        }
    }

    @Test("the server stops a stream's messages at the client's window, serves other streams, and resumes on WINDOW_UPDATE")
    func serverRespectsClientWindow() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)], config: Self.serverConfig()) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                try await connection.handshake(settingsPayload: Self.flowControlSettings)
                let request = Voucherd_V1_EchoRequest.with(repeat: 100, responseSize: 16_384)
                try await connection.send(H.headers(1, method: "/voucherd.v1.Testing/Expand"), try H.request(1, request))
                var received = 0
                while received < 65_536 {
                    let frame = try await connection.expectFrame()
                    if frame.streamID == 1 && frame.type == .message { received += frame.payload.readableBytes }
                }
                #expect(received == 65_536)
                // Another call on the connection is answered; stream 1 sends nothing meanwhile.
                try await connection.send(H.headers(3), try H.request(3, .with(payload: "other")))
                var answered = false
                while !answered {
                    let frame = try await connection.expectFrame()
                    #expect(!(frame.streamID == 1 && frame.type == .message), "stream 1 went beyond its window")
                    if frame.streamID == 3 && frame.type == .trailers { answered = true }
                }
                // The handler waits for credit: one window's worth of ~16 KiB messages was produced.
                #expect(events.count("wrote:Expand") <= 4)
                var credit = ByteBuffer()
                credit.writeInteger(UInt32(65_536))
                try await connection.send(XRPCFrame(type: .windowUpdate, streamID: 1, payload: credit))
                var more = 0
                while more == 0 {
                    let frame = try await connection.expectFrame()
                    if frame.streamID == 1 && frame.type == .message { more += frame.payload.readableBytes }
                }
                #expect(more > 0)
                var rst = ByteBuffer()
                rst.writeInteger(XRPCErrorCode.cancel.rawValue)
                try await connection.send(XRPCFrame(type: .rst, streamID: 1, payload: rst))
            }
        }
    }

    @Test("a peer that does not announce flow_control is not held to windows and gets no WINDOW_UPDATE")
    func legacyPeer() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki, config: Self.serverConfig()) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                let settings = try await connection.handshake()
                // The server announces flow control and a window of at least one message.
                let announced = try XRPCSettings.decode(settings.payload)
                #expect(announced.flowControl && announced.initialWindowSize >= announced.maxMessageSize)
                // 2.5 windows of messages to a handler that reads them all: no RST, no credit needed.
                let chunk = String(repeating: "l", count: 32_000)
                var frames = [H.headers(1, method: "/voucherd.v1.Testing/Collect")]
                for _ in 0..<5 { frames.append(try H.request(1, .with(payload: chunk), endStream: false)) }
                frames.append(XRPCFrame(type: .trailers, flags: .endStream, streamID: 1))
                try await connection.send(frames)
                var done = false
                while !done {
                    let frame = try await connection.expectFrame()
                    #expect(frame.type != .rst && frame.type != .windowUpdate)
                    if frame.streamID == 1 && frame.type == .trailers { done = true }
                }
            }
        }
    }
}
