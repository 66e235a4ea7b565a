import Foundation
import NIOCore
import Testing
@testable import XRPC
import XRPCTestSupport

@Suite("Hardening: keepalive, PING policing, idle timeout, read deadline", .timeLimit(.minutes(2)))
struct LivenessTests {
    typealias H = HardeningFixtures

    @Test("the server pings a quiet client, and closes the connection when a PING goes unanswered")
    func keepalive() async throws {
        let pki = try TestPKI.make()
        let config = H.config {
            // The timeout is generous because the well-behaved client must answer every PING
            // in time even on a busy machine; only the raw client is meant to miss one.
            $0.keepaliveInterval = .milliseconds(100)
            $0.keepaliveTimeout = .seconds(5)
        }
        try await TestHarness.withServer(pki: pki, config: config) { endpoint in
            // The well-behaved client answers the server's PINGs, so it stays connected.
            try await H.whileServingAnother(endpoint: endpoint, pki: pki) {
                try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                    try await connection.handshake()
                    let ping = try await connection.expectFrame()
                    #expect(ping.type == .ping && !ping.flags.contains(.ack) && ping.streamID == 0)
                    #expect(ping.payload.readableBytes == 8)
                    try await connection.send(XRPCFrame(type: .ping, flags: .ack, streamID: 0, payload: ping.payload))
                    // Answered: after another quiet interval comes another PING, with new bytes.
                    let second = try await connection.expectFrame()
                    #expect(second.type == .ping && !second.flags.contains(.ack))
                    #expect(second.payload != ping.payload)
                    // Not answered: the server gives up on this peer, without a GOAWAY.
                    let rest = try await connection.framesUntilClose()
                    #expect(rest.allSatisfy { $0.type == .ping }, "frames: \(rest.map(\.type))")
                }
            }
        }
    }

    @Test("a PING flood is answered with GOAWAY ENHANCE_YOUR_CALM and a close")
    func pingFlood() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki, config: H.config()) { endpoint in
            let frames = try await H.whileServingAnother(endpoint: endpoint, pki: pki) {
                try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                    try await connection.handshake()
                    let pings = (0..<20).map { XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(integer: UInt64($0))) }
                    try await connection.send(pings)
                    return try await connection.framesUntilClose()
                }
            }
            let acks = frames.filter { $0.type == .ping && $0.flags.contains(.ack) }
            // The default policy tolerates two early PINGs: the first and two strikes are answered.
            #expect(acks.count == 3)
            let goAway = try #require(frames.last.flatMap(RawProtocolTests.goAway))
            #expect(goAway.code == .enhanceYourCalm)
            #expect(goAway.debug.contains("PING"))
        }
    }

    @Test("a connection with no streams is closed after the idle timeout with GOAWAY NO_ERROR; a running call holds it open")
    func idleTimeout() async throws {
        let pki = try TestPKI.make()
        let config = H.config { $0.idleTimeout = .milliseconds(100) }
        try await TestHarness.withServer(pki: pki, config: config) { endpoint in
            let frames = try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                // The call goes with the SETTINGS, in one write, so the connection has a stream
                // from its first moment. It outlives the idle timeout several times over; the
                // server must not count a connection with a stream open as idle.
                try await connection.send(XRPCPreface.bytes)
                try await connection.send([
                    XRPCFrame(type: .settings, streamID: 0),
                    H.headers(1),
                    try H.request(1, .with(payload: "slow", delayMillis: 400)),
                ])
                return try await connection.framesUntilClose().filter { $0.type != .settings }
            }
            #expect(frames.map(\.type) == [.headers, .message, .trailers, .goaway])
            let goAway = try #require(frames.last.flatMap(RawProtocolTests.goAway))
            #expect(goAway.code == .noError)
            #expect(goAway.lastStreamID == 1)
            #expect(goAway.debug.contains("idle"))
        }
    }

    @Test("a connection that never opens a stream is closed after the idle timeout")
    func idleFromTheStart() async throws {
        let pki = try TestPKI.make()
        let config = H.config { $0.idleTimeout = .milliseconds(50) }
        try await TestHarness.withServer(pki: pki, config: config) { endpoint in
            let frames = try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                // No write after the SETTINGS: the server may close before this client could
                // send anything more.
                try await connection.send(XRPCPreface.bytes)
                try await connection.send(XRPCFrame(type: .settings, streamID: 0))
                return try await connection.framesUntilClose()
            }
            let goAway = try #require(frames.last.flatMap(RawProtocolTests.goAway), "frames: \(frames.map(\.type))")
            #expect(frames.map(\.type) == [.settings, .settings, .goaway])
            #expect(goAway.code == .noError && goAway.lastStreamID == 0)
        }
    }

    enum Stall: String, CaseIterable, CustomTestStringConvertible {
        case halfPreface = "half a preface"
        case halfHeader = "half a frame header"
        case halfPayload = "half a frame payload"
        var testDescription: String { self.rawValue }
    }

    @Test("a peer that sends part of a frame and stalls gets GOAWAY PROTOCOL_ERROR at the read deadline", arguments: Stall.allCases)
    func readDeadline(stall: Stall) async throws {
        let pki = try TestPKI.make()
        let config = H.config { $0.readTimeout = .milliseconds(100) }
        try await TestHarness.withServer(pki: pki, config: config) { endpoint in
            let frames = try await H.whileServingAnother(endpoint: endpoint, pki: pki) {
                try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                    switch stall {
                    case .halfPreface:
                        try await connection.send(Array(XRPCPreface.bytes.prefix(4)))
                    case .halfHeader:
                        try await connection.handshake()
                        try await connection.send([0x00, 0x00, 0x00, 0x08, 0x05])
                    case .halfPayload:
                        try await connection.handshake()
                        try await connection.send([0x00, 0x00, 0x00, 0x08, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02])
                    }
                    return try await connection.framesUntilClose()
                }
            }
            let goAway = try #require(frames.last.flatMap(RawProtocolTests.goAway), "frames: \(frames.map(\.type))")
            #expect(goAway.code == .protocolError)
            #expect(goAway.debug.contains("incomplete frame"))
        }
    }
}
