import NIOCore
import Testing
@testable import XRPC

@Suite("XRPCStreamStateMachine: protocol errors")
struct StreamStateMachineErrorTests {
    typealias Machine = XRPCStreamStateMachine
    typealias S = StreamMachineFixtures

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let role: Machine.Role
        let setup: [StreamEvent]
        let offending: StreamEvent
        /// Whether the machine resets itself (both directions closed) along with the error.
        let resets: Bool
        var testDescription: String { self.name }
    }

    static let cases: [ErrorCase] = [
        ErrorCase(name: "server: MORE and END_STREAM together", role: .server, setup: [], offending: .message([.more, .endStream], "x"), resets: true),
        ErrorCase(name: "client: MORE and END_STREAM together", role: .client, setup: [.headers], offending: .message([.more, .endStream], "x"), resets: true),
        ErrorCase(name: "server: COMPRESSED", role: .server, setup: [], offending: .message(.compressed, "x"), resets: true),
        ErrorCase(name: "server: COMPRESSED with END_STREAM", role: .server, setup: [], offending: .message([.compressed, .endStream], "x"), resets: true),
        ErrorCase(name: "client: COMPRESSED", role: .client, setup: [.headers], offending: .message(.compressed, "x"), resets: true),
        ErrorCase(
            name: "server: COMPRESSED on a later fragment", role: .server, setup: [.message(.more, "ab")],
            offending: .message([.compressed, .more], "cd"), resets: true
        ),
        ErrorCase(name: "client: MESSAGE before the response HEADERS", role: .client, setup: [], offending: .message([], "x"), resets: true),
        ErrorCase(name: "client: MESSAGE with MORE before the response HEADERS", role: .client, setup: [], offending: .message(.more, "x"), resets: true),
        ErrorCase(name: "client: MESSAGE with END_STREAM", role: .client, setup: [.headers], offending: .message(.endStream, "x"), resets: true),
        ErrorCase(
            name: "client: END_STREAM on the last fragment", role: .client, setup: [.headers, .message(.more, "ab")],
            offending: .message(.endStream, "c"), resets: true
        ),
        ErrorCase(
            name: "server: TRAILERS in the middle of a fragmented message", role: .server, setup: [.message(.more, "ab")],
            offending: .trailers, resets: true
        ),
        ErrorCase(
            name: "client: TRAILERS in the middle of a fragmented message", role: .client, setup: [.headers, .message(.more, "ab")],
            offending: .trailers, resets: true
        ),
        ErrorCase(
            name: "client: TRAILERS after an empty fragment", role: .client, setup: [.headers, .message(.more, "")],
            offending: .trailers, resets: true
        ),
        ErrorCase(name: "client: HEADERS twice", role: .client, setup: [.headers], offending: .headers, resets: false),
        ErrorCase(
            name: "client: HEADERS after a message", role: .client, setup: [.headers, .message([], "a")],
            offending: .headers, resets: false
        ),
        // A server stream is opened by the client's HEADERS, so any HEADERS it sees is the second.
        ErrorCase(name: "server: HEADERS on an open stream", role: .server, setup: [], offending: .headers, resets: false),
    ]

    @Test("frames that break the stream's protocol are answered with protocolError", arguments: cases)
    func protocolErrors(_ errorCase: ErrorCase) {
        var machine = S.machine(errorCase.role, after: errorCase.setup)
        let outcome = S.apply(errorCase.offending, to: &machine)
        guard case .inbound(.protocolError(let reason)) = outcome else {
            Issue.record("expected a protocol error, got \(outcome)")
            return
        }
        #expect(!reason.isEmpty)
        if errorCase.resets {
            #expect(machine.inbound == .closed)
            #expect(machine.outbound == .closed)
            #expect(machine.isClosed)
            // A reset stream drops whatever is still in flight.
            #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "late")) == .ignore)
            #expect(machine.sendMessage() == .dropClosed)
        }
    }

    @Test("a protocol error mid-message discards the fragments kept so far")
    func protocolErrorDropsPartial() {
        var machine = Machine(role: .server, maxMessageSize: 1_024)
        #expect(machine.receiveMessage(flags: .more, payload: ByteBuffer(string: "secret")) == .bufferFragment)
        guard case .protocolError = machine.receiveMessage(flags: .compressed, payload: ByteBuffer(string: "x")) else {
            Issue.record("expected a protocol error")
            return
        }
        #expect(machine.inbound == .closed)
    }

    @Test("flags checked only when they matter: MORE alone, END_STREAM alone and unknown bits are fine")
    func benignFlags() {
        var server = Machine(role: .server, maxMessageSize: 1_024)
        // ACK and the unused bits 0x10…0x80 mean nothing on MESSAGE.
        let unknown = XRPCFrameFlags(rawValue: 0xF2)
        #expect(server.receiveMessage(flags: unknown, payload: ByteBuffer(string: "a")) == .deliverMessage(ByteBuffer(string: "a"), endOfStream: false))
        #expect(server.receiveMessage(flags: unknown.union(.more), payload: ByteBuffer(string: "b")) == .bufferFragment)
        #expect(server.receiveMessage(flags: unknown.union(.endStream), payload: ByteBuffer(string: "c")) == .deliverMessage(ByteBuffer(string: "bc"), endOfStream: true))
    }

    // docs/PROTOCOL.md §6: a frame after the client's half-close, while the server has not
    // answered yet, is a stream error answered with RST STREAM_CLOSED.
    @Test(
        "server: any frame after the client's half-close is a STREAM_CLOSED stream error",
        arguments: [[.message(.endStream, "a")], [.trailers], [.message(.more, "a"), .message(.endStream, "b")]] as [[StreamEvent]]
    )
    func serverAfterHalfClose(_ halfClose: [StreamEvent]) {
        for late in ["MESSAGE", "TRAILERS"] {
            var machine = S.machine(.server, after: halfClose)
            #expect(machine.inbound == .closed)
            #expect(machine.outbound == .awaitingHeaders)
            let action = late == "MESSAGE" ? machine.receiveMessage(flags: [], payload: ByteBuffer(string: "late")) : machine.receiveTrailers()
            guard case .streamClosed(let reason) = action else {
                Issue.record("expected STREAM_CLOSED for a late \(late), got \(action)")
                continue
            }
            #expect(reason.hasPrefix(late))
            // The stream is over both ways afterwards: further frames are dropped.
            #expect(machine.isClosed)
            #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "later")) == .ignore)
        }
    }

    @Test("server: once it has answered, frames the client still sends are dropped")
    func serverAfterAnswer() {
        var machine = S.machine(.server, after: [.trailers])
        #expect(machine.sendTrailers() == .send)
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "late")) == .ignore)
        #expect(machine.receiveTrailers() == .ignore)
    }
}
