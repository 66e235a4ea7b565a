import Foundation
import GRPCCore
import Synchronization
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Transparent retry of calls the server did not process", .timeLimit(.minutes(2)))
struct TransparentRetryTests {
    @Test("a stream refused with REFUSED_STREAM is re-sent and succeeds; the handler runs once")
    func refusedStreamIsRetried() async throws {
        let pki = try TestPKI.make()
        let handled = Mutex(0)
        let refused = Mutex(0)
        try await ScriptedXRPCServer.with(pki: pki, script: { _, connection in
            // Refuse the first call outright, as a server at its stream limit does.
            let first = try await connection.nextCall()
            try await connection.reset(first, code: .refusedStream)
            refused.withLock { $0 += 1 }
            while true {
                let id = try await connection.nextCall()
                if id == first { continue }
                let request = try await connection.request(of: id)
                handled.withLock { $0 += 1 }
                try await connection.answer(id, payload: request.payload)
            }
        }) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki) { client, _ in
                let response = try await client.echo(.with(payload: "refused once"))
                #expect(response.payload == Data("refused once".utf8))
            }
        }
        #expect(refused.withLock { $0 } == 1)
        #expect(handled.withLock { $0 } == 1)
    }

    @Test("with transparent retry off, REFUSED_STREAM reaches the caller as UNAVAILABLE")
    func refusedWithoutRetry() async throws {
        let pki = try TestPKI.make()
        var config = XRPCClientTransport.Config.defaults
        config.maxTransparentRetries = 0
        try await ScriptedXRPCServer.with(pki: pki, script: { _, connection in
            while true { try await connection.reset(try await connection.nextCall(), code: .refusedStream) }
        }) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki, config: config) { client, _ in
                let error = await rpcError { _ = try await client.echo(.with(payload: "x")) }
                #expect(error?.code == .unavailable)
                #expect(error?.message.contains("refused") == true)
            }
        }
    }

    @Test("a call whose request outgrew the replay buffer is not re-sent")
    func replayBufferLimit() async throws {
        let pki = try TestPKI.make()
        let refused = Mutex(0)
        var config = XRPCClientTransport.Config.defaults
        config.transparentRetryBufferLimit = 16
        try await ScriptedXRPCServer.with(pki: pki, script: { _, connection in
            while true {
                let id = try await connection.nextCall()
                _ = try await connection.request(of: id)
                try await connection.reset(id, code: .refusedStream)
                refused.withLock { $0 += 1 }
            }
        }) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki, config: config) { client, _ in
                let error = await rpcError { _ = try await client.echo(.with(payload: String(repeating: "x", count: 64))) }
                #expect(error?.code == .unavailable)
                #expect(error?.message.contains("refused") == true)
            }
        }
        #expect(refused.withLock { $0 } == 1)
    }

    @Test("a server that keeps refusing: re-sent at most maxTransparentRetries times")
    func retriesAreBounded() async throws {
        let pki = try TestPKI.make()
        let refused = Mutex(0)
        var config = XRPCClientTransport.Config.defaults
        config.maxTransparentRetries = 2
        try await ScriptedXRPCServer.with(pki: pki, script: { _, connection in
            while true {
                try await connection.reset(try await connection.nextCall(), code: .refusedStream)
                refused.withLock { $0 += 1 }
            }
        }) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki, config: config) { client, _ in
                let error = await rpcError { _ = try await client.echo(.with(payload: "x")) }
                #expect(error?.code == .unavailable)
            }
        }
        #expect(refused.withLock { $0 } == 3)
    }

    @Test("a call that may have been processed is never re-sent", arguments: [Ending.connectionDropped, .resetInternal, .goAwayAtOrAbove])
    func processedIsNotRetried(ending: Ending) async throws {
        let pki = try TestPKI.make()
        let handled = Mutex(0)
        try await ScriptedXRPCServer.with(pki: pki, script: { _, connection in
            let id = try await connection.nextCall()
            _ = try await connection.request(of: id)
            handled.withLock { $0 += 1 }
            switch ending {
            case .connectionDropped:
                return  // the connection closes with the call open
            case .resetInternal:
                try await connection.reset(id, code: .internalError)
            case .goAwayAtOrAbove:
                try await connection.goAway(lastStreamID: id)
                return
            }
            try await connection.waitForClose()
        }) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki) { client, transport in
                let error = await rpcError { _ = try await client.echo(.with(payload: "once")) }
                #expect(error?.code == (ending == .resetInternal ? .internalError : .unavailable))
                // The call was never sent again: one connection, one handler run.
                #expect(transport.pool.connectionAttempts == 1)
            }
        }
        #expect(handled.withLock { $0 } == 1)
    }

    enum Ending: Sendable, CustomStringConvertible {
        case connectionDropped, resetInternal, goAwayAtOrAbove
        var description: String {
            switch self {
            case .connectionDropped: "connection dropped"
            case .resetInternal: "RST INTERNAL_ERROR"
            case .goAwayAtOrAbove: "GOAWAY with last id = the call's, then close"
            }
        }
    }

    @Test("a handler's UNAVAILABLE status is not re-sent by the transport")
    func unavailableStatusNotRetried() async throws {
        let pki = try TestPKI.make()
        let events = EventLog()
        try await TestHarness.withServer(pki: pki, services: [TestingService(events: events)]) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki) { client, _ in
                let error = await rpcError { _ = try await client.echo(.with(payload: "x", failCode: 14, failMessage: "busy", delayMillis: 1)) }
                #expect(error?.code == .unavailable)
            }
        }
        #expect(events.count("started:Echo") == 1)
    }
}
