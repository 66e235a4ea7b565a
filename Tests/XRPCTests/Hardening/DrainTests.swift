import Foundation
import GRPCCore
import NIOCore
import Synchronization
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Hardening: two-phase GOAWAY drain", .timeLimit(.minutes(2)))
struct DrainTests {
    typealias H = HardeningFixtures

    /// Runs a GRPCServer until `body` returns, then waits for `serve()` to return.
    static func withServer(
        pki: TestPKI,
        events: EventLog,
        _ body: (GRPCServer<XRPCServerTransport>, XRPCEndpoint) async throws -> Void
    ) async throws {
        let transport = try XRPCServerTransport(host: "127.0.0.1", port: 0, tls: pki.serverTLS, config: H.config())
        let server = GRPCServer(transport: transport, services: [TestingService(events: events)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let port = try await transport.listeningAddress.port ?? 0
            try await body(server, XRPCEndpoint(host: "127.0.0.1", port: port))
            // serve() returns once every drained connection has closed.
            try await group.next()
        }
    }

    @Test("GOAWAY(2^31-1) and a PING, then after the ACK GOAWAY(last processed); streams crossing the first are served, later ones refused")
    func twoPhase() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await Self.withServer(pki: pki, events: events) { server, endpoint in
            try await RawXRPCConnection.with(port: endpoint.port, tls: H.options(pki)) { connection in
                try await connection.handshake()
                // A long call in flight holds the connection open through the whole drain.
                try await connection.send(H.headers(1), try H.request(1, .with(payload: "long", delayMillis: 60_000)))
                try await events.wait(for: "started:Echo")
                server.beginGracefulShutdown()

                let first = try #require(RawProtocolTests.goAway(try await connection.expectFrame()))
                #expect(first.lastStreamID == 0x7FFF_FFFF)
                #expect(first.code == .noError)
                let ping = try await connection.expectFrame()
                #expect(ping.type == .ping && !ping.flags.contains(.ack))

                // Sent before this client "read" the GOAWAY: it crossed the announcement and must
                // still be processed.
                try await connection.send(H.headers(3), try H.request(3, .with(payload: "crossing")))
                try await connection.send(XRPCFrame(type: .ping, flags: .ack, streamID: 0, payload: ping.payload))

                var final: (lastStreamID: UInt32, code: XRPCErrorCode, debug: String)?
                var stream3: [XRPCFrameType] = []
                while final == nil || stream3.last != .trailers {
                    let frame = try await connection.expectFrame()
                    if let goAway = RawProtocolTests.goAway(frame) {
                        final = goAway
                    } else {
                        #expect(frame.streamID == 3, "unexpected \(frame.type) on stream \(frame.streamID)")
                        stream3.append(frame.type)
                    }
                }
                #expect(final?.lastStreamID == 3)
                #expect(final?.code == .noError)
                #expect(stream3 == [.headers, .message, .trailers])

                // After the final GOAWAY, a new stream was not processed: REFUSED_STREAM.
                try await connection.send(H.headers(5), try H.request(5, .with(payload: "too late")))
                let refused = try await connection.expectFrame()
                #expect(refused.type == .rst && refused.streamID == 5)
                #expect(H.code(of: refused) == .refusedStream)

                // The connection closes once the last accepted call ends.
                try await connection.send(XRPCFrame(type: .rst, streamID: 1, payload: ByteBuffer(integer: XRPCErrorCode.cancel.rawValue)))
                let rest = try await connection.framesUntilClose()
                #expect(rest.isEmpty, "frames: \(rest.map(\.type))")
            }
        }
    }

    @Test("graceful shutdown under load: every call the server accepted completes; the rest fail UNAVAILABLE")
    func shutdownUnderLoad() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        let outcomes = Outcomes()
        try await Self.withServer(pki: pki, events: events) { server, endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<300 {
                        group.addTask {
                            // Every call sleeps at least 1 ms, so the handler records "started".
                            let error = await rpcError {
                                let response = try await client.echo(.with(payload: "call \(index)", delayMillis: UInt32(1 + index % 40)))
                                #expect(response.payload == Data("call \(index)".utf8))
                            }
                            outcomes.record(error?.code)
                        }
                    }
                    try? await events.wait(for: "started:Echo", count: 30)
                    server.beginGracefulShutdown()
                    await group.waitForAll()
                }
            }
        }
        let all = outcomes.all
        let succeeded = all.filter { $0 == nil }.count
        #expect(all.count == 300)
        #expect(succeeded >= 30)
        // Any call that reached a handler was answered: none accepted was lost.
        #expect(succeeded == events.count("started:Echo"))
        #expect(all.allSatisfy { $0 == nil || $0 == .unavailable }, "codes: \(Set(all.compactMap { $0 }))")
    }
}

/// What each call of a load test ended with: nil for success, else its error code.
final class Outcomes: Sendable {
    private let codes = Mutex<[RPCError.Code?]>([])

    func record(_ code: RPCError.Code?) { self.codes.withLock { $0.append(code) } }

    var all: [RPCError.Code?] { self.codes.withLock { $0 } }
}
