import Foundation
import GRPCCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Client connection pool per endpoint", .timeLimit(.minutes(2)))
struct ConnectionPoolTests {
    @Test("at the server's stream limit, a second connection is opened instead of queueing")
    func secondConnection() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        var serverConfig = XRPCServerTransport.Config.defaults
        serverConfig.settings.maxConcurrentStreams = 1
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)], config: serverConfig) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki, config: ClientTest.config(maxConnectionsPerEndpoint: 2)) { client, transport in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // Holds the first connection's only stream until cancelled.
                    group.addTask { _ = try? await client.echo(.with(payload: "stalled", delayMillis: 60_000)) }
                    try await events.wait(for: "started:Echo")
                    let response = try await client.echo(.with(payload: "second"))
                    #expect(response.payload == Data("second".utf8))
                    #expect(transport.pool.openConnections == [2])
                    #expect(transport.pool.connectionAttempts == 2)
                    group.cancelAll()
                }
            }
        }
    }

    @Test("at the maximum, calls wait for a free stream on an open connection")
    func queuesAtMaximum() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        var serverConfig = XRPCServerTransport.Config.defaults
        serverConfig.settings.maxConcurrentStreams = 1
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)], config: serverConfig) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki, config: ClientTest.config(maxConnectionsPerEndpoint: 1)) { client, transport in
                async let first = client.echo(.with(payload: "first", delayMillis: 100))
                try await events.wait(for: "started:Echo")
                let second = try await client.echo(.with(payload: "second"))
                let firstResponse = try await first
                #expect(second.remotePeer == firstResponse.remotePeer)
                #expect(transport.pool.connectionAttempts == 1)
            }
        }
    }

    @Test("many concurrent calls beyond one connection's limit spread over the pool and all succeed")
    func spreadsOverPool() async throws {
        let pki = try TestPKI.make()
        var serverConfig = XRPCServerTransport.Config.defaults
        serverConfig.settings.maxConcurrentStreams = 4
        try await TestHarness.withServer(pki: pki, config: serverConfig) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki, config: ClientTest.config(maxConnectionsPerEndpoint: 3)) { client, transport in
                let peers = try await withThrowingTaskGroup(of: String.self) { group in
                    for index in 0..<60 {
                        group.addTask { try await client.echo(.with(payload: "\(index)", delayMillis: 5)).remotePeer }
                    }
                    var peers: Set<String> = []
                    for try await peer in group { peers.insert(peer) }
                    return peers
                }
                #expect(peers.count <= 3)
                #expect(transport.pool.connectionAttempts <= 3)
            }
        }
    }
}
