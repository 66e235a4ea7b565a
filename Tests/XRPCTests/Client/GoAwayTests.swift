import Foundation
import GRPCCore
import NIOCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

@Suite("Client handling of GOAWAY", .timeLimit(.minutes(2)))
struct GoAwayTests {
    @Test("GOAWAY: a call above the last id moves to a new connection; the call below it finishes")
    func singlePhase() async throws {
        let pki = try TestPKI.make()
        let signals = EventLog()
        try await ScriptedXRPCServer.with(pki: pki, script: { index, connection in
            guard index == 0 else { return try await connection.serveEchoes(signals: signals, label: "conn\(index)") }
            let a = try await connection.nextCall()
            let requestA = try await connection.request(of: a)
            signals.record("conn0:got:\(requestA.payload.utf8String)")
            let b = try await connection.nextCall()
            signals.record("conn0:headers:\(b)")
            try await connection.goAway(lastStreamID: a)
            try await signals.wait(for: "answer-a")
            try await connection.answer(a, payload: requestA.payload)
            try await connection.waitForClose()
        }) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki) { client, transport in
                async let callA = client.echo(.with(payload: "a"))
                try await signals.wait(for: "conn0:got:a")
                // B is sent on the same connection, above the GOAWAY's last id: re-sent on a new one.
                let b = try await client.echo(.with(payload: "b"))
                #expect(b.payload == Data("b".utf8))
                #expect(signals.count("conn1:got:b") == 1)
                // New calls go to the new connection too.
                _ = try await client.echo(.with(payload: "c"))
                #expect(signals.count("conn1:got:c") == 1)
                signals.record("answer-a")
                let a = try await callA
                #expect(a.payload == Data("a".utf8))
                #expect(transport.pool.connectionAttempts == 2)
            }
        }
        #expect(signals.count("conn0:headers:3") == 1)
    }

    @Test("two-phase GOAWAY: new calls move at the first; at the second, the rest above the id fail over")
    func twoPhase() async throws {
        let pki = try TestPKI.make()
        let signals = EventLog()
        try await ScriptedXRPCServer.with(pki: pki, script: { index, connection in
            guard index == 0 else { return try await connection.serveEchoes(signals: signals, label: "conn\(index)") }
            let a = try await connection.nextCall()
            let requestA = try await connection.request(of: a)
            signals.record("conn0:got:a")
            let b = try await connection.nextCall()
            let requestB = try await connection.request(of: b)
            // Phase one: "no new streams", nothing failed yet.
            try await connection.goAway(lastStreamID: 0x7FFF_FFFF)
            try await connection.pingRoundTrip()
            signals.record("phase-one")
            try await signals.wait(for: "phase-two")
            // Phase two: only A was processed; B (above) is re-sent by the client elsewhere.
            try await connection.goAway(lastStreamID: a)
            try await connection.answer(a, payload: requestA.payload)
            signals.record("conn0:ignored:\(requestB.payload.utf8String)")
            try await connection.waitForClose()
        }) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki) { client, transport in
                async let callA = client.echo(.with(payload: "a"))
                try await signals.wait(for: "conn0:got:a")
                async let callB = client.echo(.with(payload: "b"))
                try await signals.wait(for: "phase-one")
                // After the first GOAWAY, a new call opens a new connection.
                let c = try await client.echo(.with(payload: "c"))
                #expect(c.payload == Data("c".utf8))
                #expect(signals.count("conn1:got:c") == 1)
                signals.record("phase-two")
                let (a, b) = try await (callA, callB)
                #expect(a.payload == Data("a".utf8))
                #expect(b.payload == Data("b".utf8))
                #expect(signals.count("conn1:got:b") == 1)
                #expect(transport.pool.connectionAttempts == 2)
            }
        }
    }

    @Test("two-phase GOAWAY: a call that crossed the first GOAWAY and is below the second's id finishes")
    func crossingCallFinishes() async throws {
        let pki = try TestPKI.make()
        let signals = EventLog()
        try await ScriptedXRPCServer.with(pki: pki, script: { index, connection in
            guard index == 0 else { return try await connection.serveEchoes(signals: signals, label: "conn\(index)") }
            let a = try await connection.nextCall()
            let requestA = try await connection.request(of: a)
            signals.record("conn0:got:a")
            let b = try await connection.nextCall()
            let requestB = try await connection.request(of: b)
            try await connection.goAway(lastStreamID: 0x7FFF_FFFF)
            try await connection.goAway(lastStreamID: b)
            try await connection.answer(b, payload: requestB.payload)
            try await connection.answer(a, payload: requestA.payload)
            try await connection.waitForClose()
        }) { endpoint in
            try await ClientTest.withClient(endpoints: [endpoint], pki: pki) { client, transport in
                async let callA = client.echo(.with(payload: "a"))
                try await signals.wait(for: "conn0:got:a")
                let b = try await client.echo(.with(payload: "b"))
                let a = try await callA
                #expect(a.payload == Data("a".utf8))
                #expect(b.payload == Data("b".utf8))
                // Both finished on the draining connection; a new call needs a new one.
                #expect(transport.pool.connectionAttempts == 1)
                _ = try await client.echo(.with(payload: "c"))
                #expect(transport.pool.connectionAttempts == 2)
                #expect(signals.count("conn1:got:c") == 1)
            }
        }
    }
}

extension ScriptedConnection {
    /// Answers every Echo call, one at a time, recording `label:got:payload` for each.
    func serveEchoes(signals: EventLog, label: String) async throws {
        while true {
            let id = try await self.nextCall()
            let request = try await self.request(of: id)
            signals.record("\(label):got:\(request.payload.utf8String)")
            try await self.answer(id, payload: request.payload)
        }
    }
}
