import Dispatch
import Foundation
import GRPCCore
import NIOCore
import NIOPosix
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Hardening: small messages cannot overshoot the write bound", .timeLimit(.minutes(2)))
struct SmallMessageBoundTests {
    @Test("callers writing small messages while the event loop is busy hand it at most the high watermark")
    func producersStopAtTheWatermark() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        let latch = Latch()
        // The client's own event loop, so the test can park it.
        let loopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let highWatermark = 64 * 1_024
        var config = XRPCClientTransport.Config.defaults
        config.connection.writeBufferHighWatermark = highWatermark
        config.connection.writeBufferLowWatermark = 16 * 1_024
        let callers = 8
        let messages = 50
        let payload = 8_192
        try await TestHarness.withServer(pki: pki) { endpoint in
            let transport = try XRPCClientTransport(endpoints: [endpoint], tls: pki.clientTLS(), config: config, eventLoopGroup: loopGroup)
            try await withGRPCClient(transport: transport) { grpc in
                let client = Voucherd_V1_Testing.Client(wrapping: grpc)
                let chunk = String(repeating: "b", count: payload)
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<callers {
                        group.addTask {
                            let response = try await client.collect(requestProducer: { writer in
                                events.record("ready")
                                await latch.wait()
                                for _ in 0..<messages {
                                    try await writer.write(.with(payload: chunk))
                                    events.record("sent")
                                }
                                events.record("done")
                            })
                            return response.payload.count
                        }
                    }
                    // Every call has its stream (opening one needs the event loop).
                    try await events.wait(for: "ready", count: callers)
                    let gate = try #require(transport.pool.currentConnections.first).handle.writability
                    // Park the loop: from now on nothing handed to it reaches the channel, which
                    // stays writable, so only the gate's own accounting can stop the callers.
                    let unpark = DispatchSemaphore(value: 0)
                    loopGroup.next().execute {
                        events.record("loop-parked")
                        unpark.wait()
                    }
                    try await events.wait(for: "loop-parked")
                    latch.open()
                    let sent: Int
                    do {
                        // Each caller has written all its messages or waits at the gate.
                        try await ClientProbe.waitUntil { events.count("done") + gate.waitingReservations == callers }
                        sent = events.count("sent")
                    } catch {
                        unpark.signal()
                        throw error
                    }
                    unpark.signal()
                    // Checking writability alone let all 400 messages (3.2 MB) through here.
                    #expect(sent < callers * messages, "all \(sent) messages were handed to a parked event loop")
                    // Each message reserves its serialized size plus a frame header.
                    #expect(sent >= 1 && sent * payload <= highWatermark, "\(sent) messages of \(payload) bytes in flight")
                    for try await received in group {
                        #expect(received == messages * payload)
                    }
                }
            }
        }
        try await loopGroup.shutdownGracefully()
    }
}
