import NIOCore
import Testing
@testable import XRPC

/// One thing that happens to a stream, for the table-driven state machine tests.
enum StreamEvent: Sendable, CustomTestStringConvertible {
    case headers
    case message(XRPCFrameFlags, [UInt8])
    case trailers
    case sendHeaders
    case sendMessage
    case sendTrailers
    case reset

    static func message(_ flags: XRPCFrameFlags = [], _ text: String) -> Self {
        .message(flags, Array(text.utf8))
    }

    var testDescription: String {
        switch self {
        case .headers: "HEADERS"
        case .message(let flags, let bytes):
            "MESSAGE[\(bytes.count)]" + (flags.contains(.more) ? "+MORE" : "") + (flags.contains(.endStream) ? "+END_STREAM" : "")
                + (flags.contains(.compressed) ? "+COMPRESSED" : "")
        case .trailers: "TRAILERS"
        case .sendHeaders: "send HEADERS"
        case .sendMessage: "send MESSAGE"
        case .sendTrailers: "send TRAILERS"
        case .reset: "reset"
        }
    }
}

/// What the machine answered to a `StreamEvent`.
enum StreamOutcome: Equatable {
    case inbound(XRPCStreamStateMachine.InboundAction)
    case send(XRPCStreamStateMachine.SendCheck)
    case none
}

enum StreamMachineFixtures {
    typealias Machine = XRPCStreamStateMachine

    @discardableResult
    static func apply(_ event: StreamEvent, to machine: inout Machine) -> StreamOutcome {
        switch event {
        case .headers: .inbound(machine.receiveHeaders())
        case .message(let flags, let bytes): .inbound(machine.receiveMessage(flags: flags, payload: ByteBuffer(bytes: bytes)))
        case .trailers: .inbound(machine.receiveTrailers())
        case .sendHeaders: .send(machine.sendHeaders())
        case .sendMessage: .send(machine.sendMessage())
        case .sendTrailers: .send(machine.sendTrailers())
        case .reset: { machine.reset(); return .none }()
        }
    }

    /// A machine after `events`, each of which must not have been a protocol error.
    static func machine(_ role: Machine.Role, maxMessageSize: Int = 1_024, after events: [StreamEvent]) -> Machine {
        var machine = Machine(role: role, maxMessageSize: maxMessageSize)
        for event in events {
            let outcome = apply(event, to: &machine)
            if case .inbound(.protocolError(let reason)) = outcome {
                Issue.record("setup event \(event.testDescription) was a protocol error: \(reason)")
            }
        }
        return machine
    }

    /// A stream ready to receive messages: the client has the response HEADERS.
    static func receiving(_ role: Machine.Role, maxMessageSize: Int = 1_024) -> Machine {
        machine(role, maxMessageSize: maxMessageSize, after: role == .client ? [.headers] : [])
    }
}
