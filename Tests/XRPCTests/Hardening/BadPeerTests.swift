import Foundation
import NIOCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Hardening: the bad-peer catalogue", .timeLimit(.minutes(2)))
struct BadPeerTests {
    typealias H = HardeningFixtures

    enum ConnectionBreach: String, CaseIterable, CustomTestStringConvertible {
        case openedTwice = "a stream opened twice"
        case idBackwards = "a stream id that goes backwards"
        case connectionWindowOverflow = "a WINDOW_UPDATE overflowing the connection window"
        case zeroConnectionIncrement = "a WINDOW_UPDATE of 0 on the connection"
        var testDescription: String { self.rawValue }

        var expected: XRPCErrorCode {
            self == .connectionWindowOverflow ? .flowControlError : .protocolError
        }
    }

    @Test("connection errors: GOAWAY with the defined code, the call in flight is cut off, others are served", arguments: ConnectionBreach.allCases)
    func connectionBreach(breach: ConnectionBreach) async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)], config: H.config()) { endpoint in
            let frames = try await H.whileServingAnother(endpoint: endpoint, pki: pki) {
                try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                    try await connection.handshake()
                    try await connection.send(H.headers(5), try H.request(5, .with(payload: "slow", delayMillis: 60_000)))
                    try await events.wait(for: "started:Echo")
                    switch breach {
                    case .openedTwice:
                        try await connection.send(H.headers(5))
                    case .idBackwards:
                        try await connection.send(H.headers(3))
                    case .connectionWindowOverflow:
                        try await connection.send(XRPCFrame(type: .windowUpdate, streamID: 0, payload: ByteBuffer(integer: UInt32(0x7FFF_FFFF))))
                    case .zeroConnectionIncrement:
                        try await connection.send(XRPCFrame(type: .windowUpdate, streamID: 0, payload: ByteBuffer(integer: UInt32(0))))
                    }
                    return try await connection.framesUntilClose()
                }
            }
            let goAway = try #require(frames.last.flatMap(RawProtocolTests.goAway), "frames: \(frames.map(\.type))")
            #expect(goAway.code == breach.expected)
            #expect(goAway.lastStreamID == 5)
            try await events.wait(for: "cancelled:Echo")
        }
    }

    enum StreamBreach: String, CaseIterable, CustomTestStringConvertible {
        case messageAfterEndStream = "a MESSAGE after END_STREAM"
        case trailersAfterEndStream = "TRAILERS after END_STREAM"
        case streamWindowOverflow = "a WINDOW_UPDATE overflowing a stream window"
        case zeroStreamIncrement = "a WINDOW_UPDATE of 0 on a stream"
        var testDescription: String { self.rawValue }

        var expected: XRPCErrorCode {
            switch self {
            case .messageAfterEndStream, .trailersAfterEndStream: .streamClosed
            case .streamWindowOverflow: .flowControlError
            case .zeroStreamIncrement: .protocolError
            }
        }
    }

    @Test("stream errors: RST with the defined code, and the connection carries on", arguments: StreamBreach.allCases)
    func streamBreach(breach: StreamBreach) async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)], config: H.config()) { endpoint in
            try await H.whileServingAnother(endpoint: endpoint, pki: pki) {
                try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                    try await connection.handshake()
                    try await connection.send(H.headers(1), try H.request(1, .with(payload: "slow", delayMillis: 60_000)))
                    try await events.wait(for: "started:Echo")
                    switch breach {
                    case .messageAfterEndStream:
                        try await connection.send(try H.request(1, .with(payload: "late"), endStream: false))
                    case .trailersAfterEndStream:
                        try await connection.send(XRPCFrame(type: .trailers, flags: .endStream, streamID: 1))
                    case .streamWindowOverflow:
                        try await connection.send(XRPCFrame(type: .windowUpdate, streamID: 1, payload: ByteBuffer(integer: UInt32(0x7FFF_FFFF))))
                    case .zeroStreamIncrement:
                        try await connection.send(XRPCFrame(type: .windowUpdate, streamID: 1, payload: ByteBuffer(integer: UInt32(0))))
                    }
                    let reset = try await connection.expectFrame()
                    #expect(reset.type == .rst && reset.streamID == 1)
                    #expect(H.code(of: reset) == breach.expected)
                    try await events.wait(for: "cancelled:Echo")
                    // The same connection still serves calls.
                    try await connection.send(H.headers(3), try H.request(3, .with(payload: "next")))
                    #expect(try await connection.expectFrame().type == .headers)
                    #expect(try await connection.expectFrame().type == .message)
                    #expect(try RawProtocolTests.trailers(try await connection.expectFrame()).code == 0)
                }
            }
        }
    }

    @Test("a legitimate WINDOW_UPDATE is accepted silently")
    func windowUpdateWithinBounds() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki, config: H.config()) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                try await connection.handshake()
                try await connection.send(
                    XRPCFrame(type: .windowUpdate, streamID: 0, payload: ByteBuffer(integer: UInt32(1_000_000))),
                    H.headers(1, method: "/voucherd.v1.Testing/Expand"),
                    XRPCFrame(type: .windowUpdate, streamID: 1, payload: ByteBuffer(integer: UInt32(1_000_000))),
                    try H.request(1, .with(payload: "x", repeat: 2))
                )
                let frames = try await (0..<4).asyncMap { _ in try await connection.expectFrame() }
                #expect(frames.map(\.type) == [.headers, .message, .message, .trailers])
            }
        }
    }

    @Test("a GOAWAY from the client in the middle of a call: the call finishes, newer streams are refused, then the server closes")
    func clientGoAwayMidCall() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki, config: H.config()) { endpoint in
            try await H.whileServingAnother(endpoint: endpoint, pki: pki) {
                try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                    try await connection.handshake()
                    // A bidirectional call stays open until this client ends its side.
                    try await connection.send(H.headers(1, method: "/voucherd.v1.Testing/Converse"), try H.request(1, .with(payload: "a"), endStream: false))
                    #expect(try await connection.expectFrame().type == .headers)
                    #expect(try await connection.expectFrame().type == .message)

                    var goAway = ByteBuffer()
                    goAway.writeInteger(UInt32(0))
                    goAway.writeInteger(XRPCErrorCode.noError.rawValue)
                    try await connection.send(XRPCFrame(type: .goaway, streamID: 0, payload: goAway))
                    try await connection.send(H.headers(3), try H.request(3, .with(payload: "after goaway")))
                    let refused = try await connection.expectFrame()
                    #expect(refused.type == .rst && refused.streamID == 3)
                    #expect(H.code(of: refused) == .refusedStream)

                    // The call in flight carries on to its end.
                    try await connection.send(try H.request(1, .with(payload: "b"), endStream: false))
                    let reply = try await connection.expectFrame()
                    #expect(reply.type == .message && reply.streamID == 1)
                    try await connection.send(XRPCFrame(type: .trailers, flags: .endStream, streamID: 1))
                    #expect(try RawProtocolTests.trailers(try await connection.expectFrame()).code == 0)
                    // Then the server closes, without a GOAWAY of its own.
                    let rest = try await connection.framesUntilClose()
                    #expect(rest.isEmpty, "frames: \(rest.map(\.type))")
                }
            }
        }
    }

    @Test("thousands of streams opened and reset at once: each is cancelled, and the connection keeps serving")
    func resetFlood() async throws {
        let pki = try TestPKI.make()
        // The rapid-reset limit is off here, to check what each reset does; with the default
        // limit the flood gets ENHANCE_YOUR_CALM (RapidResetTests).
        try await TestHarness.withServer(pki: pki, config: H.config { $0.maxPeerResets = nil }) { endpoint in
            try await H.whileServingAnother(endpoint: endpoint, pki: pki) {
                try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                    try await connection.handshake()
                    let message = try H.request(0, .with(payload: "doomed", delayMillis: 60_000))
                    var id: UInt32 = 1
                    for _ in 0..<40 {
                        var batch: [XRPCFrame] = []
                        for _ in 0..<50 {
                            var request = message
                            request.streamID = id
                            batch.append(H.headers(id))
                            batch.append(request)
                            batch.append(XRPCFrame(type: .rst, streamID: id, payload: ByteBuffer(integer: XRPCErrorCode.cancel.rawValue)))
                            // A second RST for a stream already closed is ignored.
                            batch.append(XRPCFrame(type: .rst, streamID: id, payload: ByteBuffer(integer: XRPCErrorCode.cancel.rawValue)))
                            id += 2
                        }
                        try await connection.send(batch)
                    }
                    try await connection.send(H.headers(id), try H.request(id, .with(payload: "still here")))
                    // Nothing is owed for the reset streams: the next frames are the live call's.
                    let headers = try await connection.expectFrame()
                    #expect(headers.type == .headers && headers.streamID == id)
                    let reply = try await connection.expectFrame()
                    #expect(reply.type == .message && reply.streamID == id)
                    #expect(try RawProtocolTests.trailers(try await connection.expectFrame()).code == 0)
                }
            }
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
