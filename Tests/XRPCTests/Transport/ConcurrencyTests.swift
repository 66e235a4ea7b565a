import Foundation
import GRPCCore
import Testing
import VoucherdModel
import XRPC
import XRPCTestSupport

@Suite("Many calls on one connection", .timeLimit(.minutes(2)))
struct ConcurrencyTests {
    @Test("1,000 concurrent calls on one connection, answered out of order", arguments: [1_024, 100])
    func thousandCalls(serverStreamLimit: Int) async throws {
        let pki = try TestPKI.make()
        var config = XRPCServerTransport.Config.defaults
        config.settings.maxConcurrentStreams = serverStreamLimit
        try await TestHarness.withServer(pki: pki, config: config) { endpoint in
            // One connection even when the server's stream limit is reached: calls queue for a
            // free stream instead of opening more connections.
            var clientConfig = XRPCClientTransport.Config.defaults
            clientConfig.maxConnectionsPerEndpoint = 1
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS(), config: clientConfig) { client in
                var order: [Int] = []
                var peers: Set<String> = []
                try await withThrowingTaskGroup(of: (Int, String).self) { group in
                    for index in 0..<1_000 {
                        group.addTask {
                            // Later calls tend to finish first: delays fall as the index rises.
                            let delay = UInt32((1_000 - index) % 50)
                            let response = try await client.echo(.with(payload: "call-\(index)", delayMillis: delay))
                            #expect(response.payload == Data("call-\(index)".utf8))
                            return (index, response.remotePeer)
                        }
                    }
                    // Results arrive in completion order.
                    for try await (index, peer) in group {
                        order.append(index)
                        peers.insert(peer)
                    }
                }
                #expect(order.count == 1_000)
                #expect(Set(order).count == 1_000)
                // Answered out of order: the completion order is not the start order.
                #expect(order != Array(0..<1_000))
                // All on one connection: the server saw a single client address.
                #expect(peers.count == 1)
            }
        }
    }
}

@Suite("Inbound memory budget", .timeLimit(.minutes(2)))
struct InboundBudgetTests {
    @Test("handlers that stop reading early do not leak the connection's read budget")
    func earlyReturningHandlers() async throws {
        let pki = try TestPKI.make()
        var config = XRPCServerTransport.Config.defaults
        // Budget = two maximum messages = 128 KiB: a few leaked requests would exhaust it.
        config.settings.maxMessageSize = 64 * 1_024
        try await TestHarness.withServer(pki: pki, config: config) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                let chunk = String(repeating: "c", count: 60_000)
                for _ in 0..<20 {
                    let response = try await client.collect(requestProducer: { writer in
                        for _ in 0..<6 { try await writer.write(.with(payload: chunk, repeat: 1)) }
                    })
                    #expect(response.index == 1)
                }
                // Still reading: the connection answers.
                let echo = try await client.echo(.with(payload: "alive"))
                #expect(echo.payload == Data("alive".utf8))
            }
        }
    }
}
