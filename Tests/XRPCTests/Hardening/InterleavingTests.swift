import Foundation
import NIOCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Hardening: large messages are fragmented and interleaved", .timeLimit(.minutes(2)))
struct InterleavingTests {
    typealias H = HardeningFixtures

    /// SETTINGS with `max_message_size` = 64 MiB (field 2, varint 80 80 80 20), the rest defaults.
    static let bigMessageSettings: [UInt8] = [0x10, 0x80, 0x80, 0x80, 0x20]

    @Test("fragments of two large responses are interleaved, one fragment per stream in turn")
    func largeResponsesInterleave() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        let size = 16 * 1_024 * 1_024
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)], config: H.config()) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                try await connection.handshake(settingsPayload: Self.bigMessageSettings)
                // Not reading yet: the server can write at most its socket buffers and watermark
                // of the first response before both are queued. So the order seen below is the
                // writer's doing, not a race between the two handlers.
                connection.pauseReading()
                let request = try H.request(0, .with(repeat: 1, responseSize: UInt32(size)))
                var frames: [XRPCFrame] = []
                for id: UInt32 in [1, 3] {
                    var message = request
                    message.streamID = id
                    frames += [H.headers(id, method: "/voucherd.v1.Testing/Expand"), message]
                }
                try await connection.send(frames)
                try await events.wait(for: "wrote:Expand", count: 2)
                connection.resumeReading()

                var fragments: [UInt32] = []
                var bytes: [UInt32: Int] = [:]
                var finished: Set<UInt32> = []
                while finished.count < 2 {
                    let frame = try await connection.expectFrame(within: .seconds(60))
                    switch frame.type {
                    case .message:
                        #expect(frame.payload.readableBytes <= 16 * 1_024)
                        fragments.append(frame.streamID)
                        bytes[frame.streamID, default: 0] += frame.payload.readableBytes
                    case .trailers:
                        finished.insert(frame.streamID)
                    default:
                        break
                    }
                }
                // Each response arrived whole (the EchoResponse around `size` payload bytes).
                #expect(bytes[1, default: 0] > size && bytes[3, default: 0] > size)
                // Neither waited for the other: each stream's fragments start before the other
                // stream's end, and once both are queued they alternate.
                let first3 = try #require(fragments.firstIndex(of: 3))
                let last1 = try #require(fragments.lastIndex(of: 1))
                #expect(first3 < last1, "stream 3 started only after stream 1 had finished")
                let alternating = zip(fragments[first3...], fragments[first3...].dropFirst()).filter { $0 != $1 }.count
                #expect(alternating > 100, "only \(alternating) switches between the streams")
            }
        }
    }

    /// SETTINGS with `max_message_size` = 2 MiB (field 2, varint 80 80 80 01) and `flow_control`
    /// on: the server's window on each stream is 2 MiB.
    static let twoMiBWindowSettings: [UInt8] = [0x10, 0x80, 0x80, 0x80, 0x01, 0x30, 0x01]

    @Test("small calls issued while a 3 MiB response streams complete before its last fragment")
    func smallCallsBesideALargeResponse() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki, config: H.config()) { endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                try await connection.handshake(settingsPayload: Self.twoMiBWindowSettings)
                // 3 MiB in two messages of 1.5 MiB. The 2 MiB window lets the server send all of
                // the first and part of the second; the client grants the rest only once the
                // small calls are answered. That is what makes the order below deterministic:
                // the test shows the rest of the large response, queued on the server, does not
                // hold the small calls back (their frames are written at once, between its
                // fragments), whatever the scheduling.
                let half = 3 * 1_024 * 1_024 / 2
                try await connection.send(
                    H.headers(1, method: "/voucherd.v1.Testing/Expand"),
                    try H.request(1, .with(repeat: 2, responseSize: UInt32(half)))
                )
                var frames: [XRPCFrame] = []
                repeat {
                    frames.append(try await connection.expectFrame(within: .seconds(60)))
                } while !(frames.last?.streamID == 1 && frames.last?.type == .message)
                // The large response is streaming: now the small unary calls.
                let small = Array(stride(from: UInt32(3), through: 17, by: 2))
                var requests: [XRPCFrame] = []
                for id in small { requests += [H.headers(id), try H.request(id, .with(payload: "small \(id)"))] }
                try await connection.send(requests)

                var answered: Set<UInt32> = []
                var largeDone = false
                while !largeDone {
                    let frame = try await connection.expectFrame(within: .seconds(60))
                    frames.append(frame)
                    guard frame.type == .trailers else { continue }
                    if frame.streamID == 1 {
                        largeDone = true
                        continue
                    }
                    #expect(try RawProtocolTests.trailers(frame).code == 0)
                    answered.insert(frame.streamID)
                    if answered.count == small.count {
                        var credit = ByteBuffer()
                        credit.writeInteger(UInt32(2 * 1_024 * 1_024))
                        try await connection.send(XRPCFrame(type: .windowUpdate, streamID: 1, payload: credit))
                    }
                }

                let large = frames.indices.filter { frames[$0].streamID == 1 && frames[$0].type == .message }
                let largeBytes = large.reduce(0) { $0 + frames[$1].payload.readableBytes }
                #expect(largeBytes > 3 * 1_024 * 1_024)
                let first = try #require(large.first)
                let last = try #require(large.last)
                #expect(!frames[last].flags.contains(.more))
                for id in small {
                    let done = try #require(frames.lastIndex { $0.streamID == id && $0.type == .trailers })
                    let reply = try #require(frames.firstIndex { $0.streamID == id && $0.type == .message })
                    #expect(first < reply && done < last, "small call \(id) finished at frame \(done), the large response's last fragment was frame \(last)")
                }
            }
        }
    }
}
