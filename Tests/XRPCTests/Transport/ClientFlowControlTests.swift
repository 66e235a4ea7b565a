import Foundation
import GRPCCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Client flow control: request messages wait for the server's window", .timeLimit(.minutes(2)))
struct ClientFlowControlTests {
    enum Shape: String, CustomTestStringConvertible, CaseIterable {
        case clientStreaming
        case bidirectional
        var testDescription: String { self.rawValue }
    }

    static let messages = 20
    /// Serialized, each request is 16,004 bytes: one chunk, written at once when it has credit.
    static let payload = String(repeating: "w", count: 16_000)

    @Test("the caller's writer suspends once the server's window is used, queues nothing more, and resumes when the handler reads", arguments: Shape.allCases)
    func writerWaitsForCredit(shape: Shape) async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        let latch = Latch()
        let service = HeldCollectService(events: events, latch: latch)
        // max_message_size 64 KiB: the server's window on each stream is 64 KiB.
        try await TestHarness.withServer(pki: pki, services: [service], config: FlowControlTests.serverConfig()) { endpoint in
            let transport = try XRPCClientTransport(endpoints: [endpoint], tls: pki.clientTLS())
            try await withGRPCClient(transport: transport) { grpc in
                let client = Voucherd_V1_Testing.Client(wrapping: grpc)
                let produce: @Sendable (RPCWriter<Voucherd_V1_EchoRequest>) async throws -> Void = { writer in
                    for _ in 0..<Self.messages {
                        try await writer.write(.with(payload: Self.payload))
                        events.record("sent")
                    }
                }
                try await withThrowingTaskGroup(of: Int.self) { group in
                    group.addTask {
                        switch shape {
                        case .clientStreaming:
                            let response = try await client.collect(requestProducer: produce)
                            #expect(Int(response.deadlineRemainingMicros) == Self.messages * 16_000)
                            return Int(response.index)
                        case .bidirectional:
                            return try await client.converse(requestProducer: produce) { response in
                                var count = 0
                                for try await _ in response.messages { count += 1 }
                                return count
                            }
                        }
                    }
                    try await events.wait(for: shape == .clientStreaming ? "collect:first" : "converse:first")
                    // The writer either suspends (credit used up) or, without client flow
                    // control, gets through all its messages while the handler reads nothing.
                    // What is asserted comes from the snapshot that saw it waiting: credit the
                    // server returns for the message its handler did read may resume it once.
                    var waiting: ClientProbe.Snapshot?
                    var sent = 0
                    try await ClientProbe.waitUntil {
                        sent = events.count("sent")
                        if sent == Self.messages { return true }
                        let snapshot = try await ClientProbe.snapshot(transport)
                        guard snapshot.waitingForCredit > 0 else { return false }
                        waiting = snapshot
                        sent = events.count("sent")
                        return true
                    }
                    #expect(sent < Self.messages, "the writer got through all \(sent) messages while the server read one")
                    #expect(waiting?.waitingForCredit == 1)
                    // 64 KiB of window: four messages and a fifth that overdraws it; then the
                    // credit the server returned for the one message its handler read.
                    #expect(sent <= 6, "\(sent) messages of 16,004 bytes were let through a 64 KiB window")
                    // Nothing piles up on this side: at most the part of one message the window
                    // did not cover waits on the event loop.
                    let queued = waiting?.queuedBytes ?? 0
                    #expect(queued <= 16_004, "\(queued) request bytes queued")
                    latch.open()
                    let received = try #require(try await group.next())
                    #expect(received == Self.messages)
                    #expect(events.count("sent") == Self.messages)
                }
            }
        }
    }
}
