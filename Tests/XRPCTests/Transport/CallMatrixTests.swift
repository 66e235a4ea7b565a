import Foundation
import GRPCCore
import Testing
import VoucherdModel
import XRPC
import XRPCTestSupport

/// Every call type against every outcome, over real loopback mTLS with certificates made at test
/// time.
@Suite("Call matrix over loopback mTLS", .timeLimit(.minutes(2)))
struct CallMatrixTests {
    @Test("success", arguments: CallKind.allCases)
    func success(kind: CallKind) async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                let responses = try await kind.invoke(client, .with(payload: "ping", repeat: 3))
                switch kind {
                case .unary:
                    #expect(responses.map(\.payload) == [Data("ping".utf8)])
                case .clientStreaming:
                    #expect(responses.map(\.payload) == [Data("pingping".utf8)])
                    #expect(responses.first?.index == 2)
                case .serverStreaming:
                    #expect(responses.map(\.index) == [0, 1, 2])
                    #expect(responses.allSatisfy { $0.payload == Data("ping".utf8) })
                case .bidirectional:
                    #expect(responses.map(\.index) == [0, 1])
                }
            }
        }
    }

    @Test("an error status reaches the caller with its code and message", arguments: CallKind.allCases)
    func errorStatus(kind: CallKind) async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                let error = await rpcError {
                    _ = try await kind.invoke(client, .with(failCode: 9, failMessage: "campaign is paused"))
                }
                #expect(error?.code == .failedPrecondition)
                #expect(error?.message == "campaign is paused")
            }
        }
    }

    @Test("an unknown method is unimplemented", arguments: CallKind.allCases)
    func unknownMethod(kind: CallKind) async throws {
        let pki = try TestPKI.make()
        // A server with no services: every Testing method is unknown to it.
        try await TestHarness.withServer(pki: pki, services: []) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                let error = await rpcError { _ = try await kind.invoke(client, .with(payload: "x")) }
                #expect(error?.code == .unimplemented)
            }
        }
    }

    @Test("cancellation by the client resets the stream and cancels the server handler", arguments: CallKind.allCases)
    func clientCancellation(kind: CallKind) async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)]) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                let call = Task {
                    try await kind.invoke(client, .with(payload: "slow", delayMillis: 60_000))
                }
                try await events.wait(for: "started:\(kind.rawValue)")
                call.cancel()
                let outcome = await call.result
                switch outcome {
                case .success:
                    Issue.record("a cancelled call must not succeed")
                case .failure(let error):
                    let code = (error as? RPCError)?.code
                    #expect(error is CancellationError || code == .cancelled, "got \(error)")
                }
                // The server learns of it through RST and stops the handler.
                try await events.wait(for: "cancelled:\(kind.rawValue)")
            }
        }
    }

    @Test("a deadline travels to the server, which stops the handler; the caller sees deadlineExceeded", arguments: CallKind.allCases)
    func deadlineExceeded(kind: CallKind) async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)]) { endpoint in
            try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
                var options = CallOptions.defaults
                // Long enough for the handler to be running when it passes, even on a loaded
                // machine, so the test sees the server stop it.
                options.timeout = .seconds(2)
                // Connect first, so the deadline covers the call and not the TLS handshake,
                // which takes seconds when the whole suite runs in parallel on two cores.
                _ = try await client.echo(.with(payload: "warm-up"))
                let started = ContinuousClock.now
                let call = Task {
                    await rpcError {
                        _ = try await kind.invoke(client, .with(payload: "slow", delayMillis: 60_000), options: options)
                    }
                }
                try await events.wait(for: "started:\(kind.rawValue)")
                let error = await call.value
                #expect(error?.code == .deadlineExceeded)
                #expect(ContinuousClock.now - started < .seconds(30))
                try await events.wait(for: "cancelled:\(kind.rawValue)")
            }
        }
    }
}
