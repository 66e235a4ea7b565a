import Foundation
import GRPCCore
import Testing
import VoucherdModel
import XRPC
import XRPCTestSupport

@Suite("Deadlines on the wire and across hops", .timeLimit(.minutes(2)))
struct DeadlinePropagationTests {
    @Test("the server sees the caller's deadline")
    func deadlineTravels() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                // Without a deadline first: this call also opens the connection, so the timed
                // call below does not include a TLS handshake on a loaded machine.
                let noDeadline = try await client.echo(.with(payload: "t"))
                #expect(noDeadline.deadlineRemainingMicros == 0)
                var options = CallOptions.defaults
                options.timeout = .seconds(5)
                let response = try await client.echo(.with(payload: "t"), options: options)
                #expect(response.deadlineRemainingMicros > 4_000_000)
                #expect(response.deadlineRemainingMicros <= 5_000_000)
            }
        }
    }

    @Test("a call made inside a handler inherits what is left of the caller's deadline")
    func inheritedByDownstreamCall() async throws {
        let pki = try TestPKI.make()
        let downstreamEvents = EventLog()
        // B: the downstream server. A: forwards to B with no timeout of its own.
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: downstreamEvents)]) { serverB in
            try await TestHarness.withClient(endpoints: [serverB], tls: pki.clientTLS()) { clientOfB in
                try await TestHarness.withServer(pki: pki, services: [TestingService(downstream: clientOfB)]) { serverA in
                    try await TestHarness.withClient(endpoints: [serverA], tls: pki.clientTLS()) { client in
                        var request = Voucherd_V1_EchoRequest.with(payload: "hop")
                        request.forward = true
                        // Open both hops' connections first, so the 2 s deadline covers the calls
                        // and not two TLS handshakes on a loaded machine.
                        _ = try await client.echo(request)
                        var options = CallOptions.defaults
                        options.timeout = .seconds(2)
                        let answer = try await client.echo(request, options: options)
                        // B answered, and saw a deadline no later than the original one.
                        #expect(answer.payload == Data("hop".utf8))
                        #expect(answer.deadlineRemainingMicros > 0)
                        #expect(answer.deadlineRemainingMicros <= 2_000_000)

                        // When the original deadline passes, B's handler is stopped too.
                        var slow = Voucherd_V1_EchoRequest.with(payload: "slow", delayMillis: 60_000)
                        slow.forward = true
                        options.timeout = .seconds(2)
                        let call = Task { await rpcError { _ = try await client.echo(slow, options: options) } }
                        try await downstreamEvents.wait(for: "started:Echo")
                        let error = await call.value
                        #expect(error?.code == .deadlineExceeded)
                        try await downstreamEvents.wait(for: "cancelled:Echo")
                    }
                }
            }
        }
    }
}
