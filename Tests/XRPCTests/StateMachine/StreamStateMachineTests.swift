import NIOCore
import Testing
@testable import XRPC

@Suite("XRPCStreamStateMachine: receiving")
struct StreamStateMachineTests {
    typealias Machine = XRPCStreamStateMachine
    typealias S = StreamMachineFixtures

    static let roles: [Machine.Role] = [.client, .server]

    @Test("a client stream waits for HEADERS with its side open; a server stream receives with its response unsent")
    func initialState() {
        let client = Machine(role: .client, maxMessageSize: 77)
        #expect(client.inbound == .awaitingHeaders)
        #expect(client.outbound == .sending)
        #expect(client.maxMessageSize == 77)
        #expect(!client.isClosed)
        let server = Machine(role: .server, maxMessageSize: 77)
        #expect(server.inbound == .receiving(partial: nil))
        #expect(server.outbound == .awaitingHeaders)
        #expect(!server.isClosed)
    }

    // MARK: - Happy paths

    @Test("client unary: send, half-close, then HEADERS, MESSAGE, TRAILERS")
    func clientUnary() {
        var machine = Machine(role: .client, maxMessageSize: 1_024)
        #expect(machine.sendMessage() == .send)
        #expect(machine.sendTrailers() == .send)
        #expect(machine.outbound == .closed)
        #expect(machine.inbound == .awaitingHeaders)
        #expect(!machine.isClosed)

        #expect(machine.receiveHeaders() == .deliverHeaders)
        #expect(machine.inbound == .receiving(partial: nil))
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "pong")) == .deliverMessage(ByteBuffer(string: "pong"), endOfStream: false))
        #expect(!machine.isClosed)
        #expect(machine.receiveTrailers() == .deliverTrailers)
        #expect(machine.inbound == .closed)
        #expect(machine.isClosed)
    }

    @Test("client trailers-only: TRAILERS without HEADERS ends the call")
    func clientTrailersOnly() {
        var machine = Machine(role: .client, maxMessageSize: 1_024)
        #expect(machine.receiveTrailers() == .deliverTrailers)
        #expect(machine.inbound == .closed)
        #expect(machine.outbound == .sending)
        #expect(!machine.isClosed)
        // Whatever the server still sends on the stream is dropped.
        #expect(machine.receiveHeaders() == .ignore)
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "late")) == .ignore)
        #expect(machine.receiveTrailers() == .ignore)
    }

    @Test("client server-streaming: every MESSAGE is delivered in order until TRAILERS")
    func clientStreaming() {
        var machine = S.receiving(.client)
        for text in ["one", "two", "", "three"] {
            #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: text)) == .deliverMessage(ByteBuffer(string: text), endOfStream: false))
            #expect(machine.inbound == .receiving(partial: nil))
        }
        #expect(machine.receiveTrailers() == .deliverTrailers)
    }

    @Test("server unary: MESSAGE with END_STREAM, then HEADERS, MESSAGE, TRAILERS sent")
    func serverUnary() {
        var machine = Machine(role: .server, maxMessageSize: 1_024)
        #expect(machine.receiveMessage(flags: .endStream, payload: ByteBuffer(string: "ping")) == .deliverMessage(ByteBuffer(string: "ping"), endOfStream: true))
        #expect(machine.inbound == .closed)
        #expect(!machine.isClosed)
        #expect(machine.sendHeaders() == .send)
        #expect(machine.outbound == .sending)
        #expect(machine.sendMessage() == .send)
        #expect(machine.sendTrailers() == .send)
        #expect(machine.isClosed)
    }

    @Test("server: an empty MESSAGE with END_STREAM is an empty message, not nothing")
    func serverEmptyMessageEndStream() {
        var machine = Machine(role: .server, maxMessageSize: 1_024)
        #expect(machine.receiveMessage(flags: .endStream, payload: ByteBuffer()) == .deliverMessage(ByteBuffer(), endOfStream: true))
        #expect(machine.inbound == .closed)
    }

    @Test("server client-streaming: messages, then the half-close by TRAILERS", arguments: [0, 1, 3])
    func serverHalfCloseByTrailers(_ count: Int) {
        var machine = Machine(role: .server, maxMessageSize: 1_024)
        for index in 0..<count {
            let payload = ByteBuffer(string: "m\(index)")
            #expect(machine.receiveMessage(flags: [], payload: payload) == .deliverMessage(payload, endOfStream: false))
        }
        #expect(machine.receiveTrailers() == .endOfStream)
        #expect(machine.inbound == .closed)
        #expect(machine.outbound == .awaitingHeaders)
        #expect(!machine.isClosed)
    }

    // MARK: - Fragments

    static let fragments: [[UInt8]] = [[0x00, 0xFF], [], [0x10, 0x20, 0x30], [0x7F]]

    @Test("fragments flagged MORE are reassembled into one message with exactly their bytes", arguments: roles)
    func reassembly(_ role: Machine.Role) {
        var machine = S.receiving(role)
        var sofar: [UInt8] = []
        for fragment in Self.fragments.dropLast() {
            #expect(machine.receiveMessage(flags: .more, payload: ByteBuffer(bytes: fragment)) == .bufferFragment)
            sofar += fragment
            #expect(machine.inbound == .receiving(partial: ByteBuffer(bytes: sofar)))
        }
        let action = machine.receiveMessage(flags: [], payload: ByteBuffer(bytes: Self.fragments.last!))
        #expect(action == .deliverMessage(ByteBuffer(bytes: [0x00, 0xFF, 0x10, 0x20, 0x30, 0x7F]), endOfStream: false))
        #expect(machine.inbound == .receiving(partial: nil))

        // The next message starts from scratch.
        #expect(machine.receiveMessage(flags: .more, payload: ByteBuffer(string: "ab")) == .bufferFragment)
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "c")) == .deliverMessage(ByteBuffer(string: "abc"), endOfStream: false))
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "d")) == .deliverMessage(ByteBuffer(string: "d"), endOfStream: false))
    }

    @Test("server: the last fragment may carry END_STREAM")
    func reassemblyEndStream() {
        var machine = Machine(role: .server, maxMessageSize: 1_024)
        #expect(machine.receiveMessage(flags: .more, payload: ByteBuffer(string: "hel")) == .bufferFragment)
        #expect(machine.receiveMessage(flags: .endStream, payload: ByteBuffer(string: "lo")) == .deliverMessage(ByteBuffer(string: "hello"), endOfStream: true))
        #expect(machine.inbound == .closed)
    }

    @Test("reassembly does not change the caller's fragment buffers")
    func reassemblyLeavesInputs() {
        var machine = Machine(role: .server, maxMessageSize: 1_024)
        let first = ByteBuffer(string: "ab")
        let second = ByteBuffer(string: "cd")
        _ = machine.receiveMessage(flags: .more, payload: first)
        #expect(machine.receiveMessage(flags: [], payload: second) == .deliverMessage(ByteBuffer(string: "abcd"), endOfStream: false))
        #expect(first == ByteBuffer(string: "ab"))
        #expect(second == ByteBuffer(string: "cd"))
    }

    // MARK: - Message size limit

    enum Expected: Sendable {
        case buffered, delivered, tooLarge(Int), ignored
    }

    struct LimitCase: Sendable, CustomTestStringConvertible {
        let name: String
        /// Fragment sizes; every fragment but the last is flagged MORE.
        let sizes: [Int]
        let expected: [Expected]
        var testDescription: String { self.name }
    }

    static let limit = 8

    static let limitCases: [LimitCase] = [
        LimitCase(name: "one frame, exactly at the limit", sizes: [8], expected: [.delivered]),
        LimitCase(name: "one frame, one byte over", sizes: [9], expected: [.tooLarge(9)]),
        LimitCase(name: "fragments adding up to exactly the limit", sizes: [3, 0, 5], expected: [.buffered, .buffered, .delivered]),
        LimitCase(name: "the last fragment one byte over", sizes: [3, 6], expected: [.buffered, .tooLarge(9)]),
        LimitCase(name: "a middle fragment over, the rest ignored", sizes: [4, 5, 1, 1], expected: [.buffered, .tooLarge(9), .ignored, .ignored]),
        LimitCase(name: "the first fragment already over", sizes: [20, 1], expected: [.tooLarge(20), .ignored]),
    ]

    @Test("the message size limit counts all fragments together", arguments: roles, limitCases)
    func sizeLimit(_ role: Machine.Role, _ limitCase: LimitCase) {
        var machine = S.receiving(role, maxMessageSize: Self.limit)
        var whole: [UInt8] = []
        for (index, (size, expected)) in zip(limitCase.sizes, limitCase.expected).enumerated() {
            let isLast = index == limitCase.sizes.count - 1
            let fragment = (0..<size).map { UInt8(truncatingIfNeeded: index * 16 + $0) }
            whole += fragment
            let action = machine.receiveMessage(flags: isLast ? [] : .more, payload: ByteBuffer(bytes: fragment))
            switch expected {
            case .buffered: #expect(action == .bufferFragment)
            case .delivered: #expect(action == .deliverMessage(ByteBuffer(bytes: whole), endOfStream: false))
            case .tooLarge(let size):
                #expect(action == .messageTooLarge(size: size))
                #expect(machine.inbound == .discarding)
            case .ignored: #expect(action == .ignore)
            }
        }
    }

    @Test("server: after messageTooLarge the client's side is dropped until END_STREAM")
    func serverDiscardsUntilEndStream() {
        var machine = Machine(role: .server, maxMessageSize: 4)
        #expect(machine.receiveMessage(flags: .more, payload: ByteBuffer(string: "12345")) == .messageTooLarge(size: 5))
        #expect(machine.inbound == .discarding)
        // Later fragments, whole messages, even flags that would otherwise be errors: all dropped.
        for flags: XRPCFrameFlags in [.more, [], .compressed, [.more, .compressed]] {
            #expect(machine.receiveMessage(flags: flags, payload: ByteBuffer(string: "x")) == .ignore)
            #expect(machine.inbound == .discarding)
        }
        #expect(machine.receiveMessage(flags: .endStream, payload: ByteBuffer(string: "x")) == .ignore)
        #expect(machine.inbound == .closed)
        // The server can still answer; after that, late frames are dropped.
        #expect(machine.sendTrailers() == .send)
        #expect(machine.isClosed)
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "x")) == .ignore)
    }

    @Test("server: a too-large message carrying END_STREAM closes the client's side at once")
    func serverTooLargeWithEndStream() {
        var machine = Machine(role: .server, maxMessageSize: 4)
        #expect(machine.receiveMessage(flags: .endStream, payload: ByteBuffer(string: "12345")) == .messageTooLarge(size: 5))
        #expect(machine.inbound == .closed)
    }

    @Test("a stream that is discarding ends with TRAILERS, which is dropped", arguments: roles)
    func discardingThenTrailers(_ role: Machine.Role) {
        var machine = S.receiving(role, maxMessageSize: 4)
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "12345")) == .messageTooLarge(size: 5))
        #expect(machine.receiveMessage(flags: [], payload: ByteBuffer(string: "1")) == .ignore)
        #expect(machine.receiveTrailers() == .ignore)
        #expect(machine.inbound == .closed)
    }

    @Test("client: HEADERS while discarding is dropped")
    func clientDiscardingHeaders() {
        var machine = S.receiving(.client, maxMessageSize: 4)
        _ = machine.receiveMessage(flags: [], payload: ByteBuffer(string: "12345"))
        #expect(machine.receiveHeaders() == .ignore)
        #expect(machine.inbound == .discarding)
    }
}
