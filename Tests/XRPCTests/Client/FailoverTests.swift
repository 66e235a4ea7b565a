import Foundation
import GRPCCore
import NIOCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Client failover across endpoints", .timeLimit(.minutes(2)))
struct FailoverTests {
    @Test("one server shuts down in the middle of a run: every call succeeds, none is lost")
    func failover() async throws {
        let pki = try TestPKI.make()
        let eventsA = EventLog()
        let eventsB = EventLog()
        let transportA = try XRPCServerTransport(host: "127.0.0.1", port: 0, tls: pki.serverTLS)
        let serverA = GRPCServer(transport: transportA, services: [TestingService(events: eventsA)])
        let config = ClientTest.config(backoff: XRPCBackoff(initial: .seconds(3_600), maximum: .seconds(3_600), multiplier: 1, jitter: 0))
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: eventsB)]) { endpointB in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await serverA.serve() }
                let endpointA = XRPCEndpoint(host: "127.0.0.1", port: try await transportA.listeningAddress.port ?? 0)
                try await ClientTest.withClient(endpoints: [endpointA, endpointB], pki: pki, config: config) { client, transport in
                    // Before: calls alternate between both servers.
                    for index in 0..<10 {
                        let response = try await client.echo(.with(payload: "before-\(index)"))
                        #expect(response.payload == Data("before-\(index)".utf8))
                    }
                    // Calls in flight on A when it starts draining, more started during the drain.
                    let results = try await withThrowingTaskGroup(of: String.self) { calls in
                        for index in 0..<6 {
                            calls.addTask {
                                try await client.echo(.with(payload: "during-\(index)", delayMillis: 200)).payload.utf8String
                            }
                        }
                        try await eventsA.wait(for: "started:Echo", count: 3)
                        serverA.beginGracefulShutdown()
                        for index in 0..<20 {
                            calls.addTask { try await client.echo(.with(payload: "drain-\(index)")).payload.utf8String }
                        }
                        var results: [String] = []
                        for try await result in calls { results.append(result) }
                        return results
                    }
                    #expect(results.count == 26)
                    #expect(Set(results) == Set((0..<6).map { "during-\($0)" } + (0..<20).map { "drain-\($0)" }))
                    // A is gone (serve() returns once its connections have drained).
                    try await group.next()
                    // After: every call succeeds, on B.
                    for index in 0..<20 {
                        let response = try await client.echo(.with(payload: "after-\(index)"))
                        #expect(response.payload == Data("after-\(index)".utf8))
                    }
                    #expect(transport.pool.openConnections[0] == 0)
                }
            }
        }
        // The delayed calls that reached A were answered by A, not re-sent to B.
        #expect(eventsA.count("started:Echo") == 3)
        #expect(eventsB.count("started:Echo") == 3)
    }
}

extension Data {
    var utf8String: String { String(decoding: self, as: UTF8.self) }
}
