import Foundation
import NIOCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Hardening: a peer that stops reading", .timeLimit(.minutes(2)))
struct WriteBoundTests {
    typealias H = HardeningFixtures

    @Test("the producer is paused, memory stays bounded, and the connection is closed after the stall timeout")
    func neverReads() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        let config = H.config {
            $0.writeBufferHighWatermark = 64 * 1_024
            $0.writeBufferLowWatermark = 16 * 1_024
            $0.writeStallTimeout = .milliseconds(300)
        }
        let responses = 100_000
        let responseSize = 64 * 1_024
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)], config: config) { endpoint in
            try await H.whileServingAnother(endpoint: endpoint, pki: pki) {
                try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                    try await connection.handshake()
                    connection.pauseReading()
                    // 6.5 GB of responses, if the server kept producing them.
                    try await connection.send(
                        H.headers(1, method: "/voucherd.v1.Testing/Expand"),
                        try H.request(1, .with(repeat: UInt32(responses), responseSize: UInt32(responseSize)))
                    )
                    // The producer ends when the server gives up on the connection.
                    try await events.wait(for: "ended:Expand", timeout: .seconds(60))
                    let written = events.count("wrote:Expand")
                    // Kernel socket buffers, the client's small inbound buffer and the watermark
                    // hold a few MB at most; far below what an unbounded server would queue.
                    #expect(written < 1_000, "the producer wrote \(written) responses of \(responseSize) bytes")
                    #expect(written > 0)
                    connection.resumeReading()
                    // What was in flight drains, then the connection is found closed, never ended
                    // by TRAILERS: the call was cut off.
                    var sawTrailers = false
                    do {
                        while let frame = try await connection.nextFrame(within: .seconds(30)) {
                            if frame.type == .trailers { sawTrailers = true }
                        }
                    } catch let error as RawConnectionError {
                        // The server closed TCP without waiting for TLS close_notify, which
                        // could not get past the unread bytes anyway.
                        #expect(error.description.contains("connection failed"), "\(error)")
                    }
                    #expect(!sawTrailers)
                }
            }
        }
    }
}

extension Voucherd_V1_EchoRequest {
    static func with(repeat count: UInt32, responseSize: UInt32) -> Self {
        var request = Self()
        request.repeat = count
        request.responseSize = responseSize
        return request
    }
}
