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
}
