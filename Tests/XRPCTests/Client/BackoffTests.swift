import Foundation
import GRPCCore
import NIOCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Client reconnect backoff and endpoint selection", .timeLimit(.minutes(2)))
struct BackoffTests {
    /// One hour: no call in the test can outlast it, so only the manual clock ends it.
    let longBackoff = XRPCBackoff(initial: .seconds(3_600), maximum: .seconds(7_200), multiplier: 2, jitter: 0)

    @Test("a failed connect marks the endpoint down: calls fail at once until the backoff elapses")
    func downUntilBackoffElapses() async throws {
        let pki = try TestPKI.make()
        let dead = try await ClientTest.deadEndpoint()
        let clock = ManualClock()
        try await ClientTest.withClient(endpoints: [dead], pki: pki, config: ClientTest.config(backoff: self.longBackoff), clock: clock) { client, transport in
            for _ in 0..<5 {
                let error = await rpcError { _ = try await client.echo(.with(payload: "x")) }
                #expect(error?.code == .unavailable)
                #expect(error?.message.contains("\(dead)") == true)
            }
            // One attempt: the other four calls found the endpoint down and did not connect.
            #expect(transport.pool.connectionAttempts == 1)
            let error = await rpcError { _ = try await client.echo(.with(payload: "x")) }
            #expect(error?.message.contains("down for another") == true)
            #expect(error?.message.contains("after 1 failed connect(s)") == true)

            // Backoff over: the next call tries again, fails, and the wait doubles.
            clock.advance(by: .seconds(3_600))
            _ = await rpcError { _ = try await client.echo(.with(payload: "x")) }
            #expect(transport.pool.connectionAttempts == 2)
            clock.advance(by: .seconds(3_600))
            let stillDown = await rpcError { _ = try await client.echo(.with(payload: "x")) }
            #expect(stillDown?.message.contains("after 2 failed connect(s)") == true)
            #expect(transport.pool.connectionAttempts == 2)
            clock.advance(by: .seconds(3_600))
            _ = await rpcError { _ = try await client.echo(.with(payload: "x")) }
            #expect(transport.pool.connectionAttempts == 3)
        }
    }

    @Test("an endpoint that comes back is used again once its backoff has elapsed")
    func recovers() async throws {
        let pki = try TestPKI.make()
        let clock = ManualClock()
        try await TestHarness.withServer(pki: pki) { live in
            let dead = try await ClientTest.deadEndpoint()
            try await ClientTest.withClient(endpoints: [dead, live], pki: pki, config: ClientTest.config(backoff: self.longBackoff), clock: clock) { client, transport in
                for index in 0..<10 {
                    let response = try await client.echo(.with(payload: "call-\(index)"))
                    #expect(response.payload == Data("call-\(index)".utf8))
                }
                // The dead endpoint was tried once, then skipped; the live one has one connection.
                #expect(transport.pool.connectionAttempts == 2)
                #expect(transport.pool.openConnections == [0, 1])
            }
        }
    }

    @Test("with every endpoint down, the error names each one and why")
    func allDown() async throws {
        let pki = try TestPKI.make()
        let first = try await ClientTest.deadEndpoint()
        let second = try await ClientTest.deadEndpoint()
        try await ClientTest.withClient(endpoints: [first, second], pki: pki, config: ClientTest.config(backoff: self.longBackoff)) { client, transport in
            let error = await rpcError { _ = try await client.echo(.with(payload: "x")) }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("\(first)") == true)
            #expect(error?.message.contains("\(second)") == true)
            // Both were tried by that one call, once each.
            #expect(transport.pool.connectionAttempts == 2)
        }
    }

    @Test("a connection that closes is replaced on demand, without backoff")
    func replacedOnDemand() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki, config: ClientTest.config(backoff: self.longBackoff)) { client, transport in
                _ = try await client.echo(.with(payload: "one"))
                let connection = try #require(transport.pool.currentConnections.first)
                connection.drain()
                try await connection.channel.closeFuture.get()
                let response = try await client.echo(.with(payload: "two"))
                #expect(response.payload == Data("two".utf8))
                #expect(transport.pool.connectionAttempts == 2)
            }
        }
    }
}
