import NIOCore
import Testing
@testable import XRPC

@Suite("XRPCStreamStateMachine: sending, reset and isClosed")
struct StreamStateMachineSendTests {
    typealias Machine = XRPCStreamStateMachine
    typealias S = StreamMachineFixtures

    // MARK: - Server

    @Test("server: a message before the response HEADERS is invalid and changes nothing")
    func serverMessageBeforeHeaders() {
        var machine = Machine(role: .server, maxMessageSize: 1_024)
        guard case .invalid(let reason) = machine.sendMessage() else {
            Issue.record("expected .invalid")
            return
        }
        #expect(!reason.isEmpty)
        #expect(machine.outbound == .awaitingHeaders)
        #expect(machine.sendHeaders() == .send)
        #expect(machine.sendMessage() == .send)
    }

    @Test("server: response HEADERS twice is invalid")
    func serverHeadersTwice() {
        var machine = Machine(role: .server, maxMessageSize: 1_024)
        #expect(machine.sendHeaders() == .send)
        guard case .invalid = machine.sendHeaders() else {
            Issue.record("expected .invalid")
            return
        }
        #expect(machine.outbound == .sending)
        #expect(machine.sendMessage() == .send)
    }

    @Test(
        "server: after TRAILERS every write is dropped, and the call is over both ways",
        arguments: [[], [StreamEvent.sendHeaders], [.sendHeaders, .sendMessage, .sendMessage]]
    )
    func serverWritesAfterTrailers(_ before: [StreamEvent]) {
        var machine = S.machine(.server, after: before)
        #expect(machine.sendTrailers() == .send)
        #expect(machine.outbound == .closed)
        #expect(machine.inbound == .closed)
        #expect(machine.isClosed)
        #expect(machine.sendHeaders() == .dropClosed)
        #expect(machine.sendMessage() == .dropClosed)
        #expect(machine.sendTrailers() == .dropClosed)
        // What the client still sends is dropped.
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "late")) == .ignore)
    }

    // MARK: - Client

    @Test("client: TRAILERS half-closes; later writes are dropped; the response still arrives")
    func clientHalfClose() {
        var machine = Machine(role: .client, maxMessageSize: 1_024)
        #expect(machine.sendMessage() == .send)
        #expect(machine.sendMessage() == .send)
        #expect(machine.sendTrailers() == .send)
        #expect(machine.outbound == .closed)
        #expect(machine.inbound == .awaitingHeaders)
        #expect(machine.sendMessage() == .dropClosed)
        #expect(machine.sendTrailers() == .dropClosed)
        #expect(!machine.isClosed)

        #expect(machine.receiveHeaders() == .deliverHeaders)
        #expect(machine.receiveMessage(flags: .more, payload: ByteBuffer(string: "a")) == .bufferFragment)
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "b")) == .deliverMessage(ByteBuffer(string: "ab"), endOfStream: false))
        #expect(machine.receiveTrailers() == .deliverTrailers)
        #expect(machine.isClosed)
    }

    @Test("client: its HEADERS went out when the stream was created, so sending HEADERS is invalid")
    func clientSendHeaders() {
        var machine = Machine(role: .client, maxMessageSize: 1_024)
        guard case .invalid = machine.sendHeaders() else {
            Issue.record("expected .invalid")
            return
        }
        #expect(machine.outbound == .sending)
        #expect(machine.sendTrailers() == .send)
        #expect(machine.sendHeaders() == .dropClosed)
    }

    @Test("client: receiving the response does not close the sending side")
    func clientSendsAfterResponse() {
        var machine = S.machine(.client, after: [.headers, .message([], "r"), .trailers])
        #expect(machine.inbound == .closed)
        #expect(machine.outbound == .sending)
        #expect(machine.sendMessage() == .send)
    }

    // MARK: - reset

    static let resetPoints: [(Machine.Role, [StreamEvent])] = [
        (.client, []),
        (.client, [.headers]),
        (.client, [.headers, .message(.more, "ab")]),
        (.client, [.sendTrailers]),
        (.client, [.trailers]),
        (.server, []),
        (.server, [.message(.more, "ab")]),
        (.server, [.sendHeaders]),
        (.server, [.message(.endStream, "a")]),
        (.server, [.trailers, .sendHeaders, .sendMessage]),
    ]

    @Test("reset() closes both directions from any point", arguments: resetPoints)
    func reset(_ role: Machine.Role, _ events: [StreamEvent]) {
        var machine = S.machine(role, after: events)
        machine.reset()
        #expect(machine.inbound == .closed)
        #expect(machine.outbound == .closed)
        #expect(machine.isClosed)
        #expect(machine.sendHeaders() == .dropClosed)
        #expect(machine.sendMessage() == .dropClosed)
        #expect(machine.sendTrailers() == .dropClosed)
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "late")) == .ignore)
        #expect(machine.receiveMessage(flags: .more, payload: ByteBuffer(string: "late")) == .ignore)
        if role == .client {
            #expect(machine.receiveHeaders() == .ignore)
            #expect(machine.receiveTrailers() == .ignore)
        }
    }

    // MARK: - isClosed

    struct ClosedCase: Sendable, CustomTestStringConvertible {
        let role: Machine.Role
        let events: [StreamEvent]
        let closed: Bool
        var testDescription: String { "\(self.role): \(self.events.map(\.testDescription).joined(separator: ", ")) → \(self.closed)" }
    }

    static let closedCases: [ClosedCase] = [
        ClosedCase(role: .client, events: [], closed: false),
        ClosedCase(role: .client, events: [.sendTrailers], closed: false),
        ClosedCase(role: .client, events: [.trailers], closed: false),
        ClosedCase(role: .client, events: [.headers, .trailers], closed: false),
        ClosedCase(role: .client, events: [.sendTrailers, .trailers], closed: true),
        ClosedCase(role: .client, events: [.trailers, .sendTrailers], closed: true),
        ClosedCase(role: .client, events: [.sendTrailers, .headers, .message([], "a"), .trailers], closed: true),
        ClosedCase(role: .server, events: [], closed: false),
        ClosedCase(role: .server, events: [.message(.endStream, "a")], closed: false),
        ClosedCase(role: .server, events: [.trailers, .sendHeaders, .sendMessage], closed: false),
        ClosedCase(role: .server, events: [.message(.endStream, "a"), .sendHeaders, .sendTrailers], closed: true),
        // The server's TRAILERS end the call even if the client never half-closed.
        ClosedCase(role: .server, events: [.sendTrailers], closed: true),
        ClosedCase(role: .server, events: [.reset], closed: true),
        ClosedCase(role: .client, events: [.reset], closed: true),
    ]

    @Test("isClosed is true only when nothing more can be sent or received", arguments: closedCases)
    func isClosed(_ closedCase: ClosedCase) {
        let machine = S.machine(closedCase.role, after: closedCase.events)
        #expect(machine.isClosed == closedCase.closed)
    }
}
