import Testing
@testable import XRPC

@Suite("XRPCReceiveWindowStateMachine: credit goes back as the application consumes")
struct ReceiveWindowStateMachineTests {
    typealias Machine = XRPCReceiveWindowStateMachine

    @Test("bytes that merely arrive earn no credit; consuming half the window does")
    func creditOnConsumption() {
        var machine = Machine(initialWindow: 1_000)
        #expect(machine.received(400) == .accepted(grant: nil))
        // Less than half consumed, and the peer still has more than half its window.
        #expect(machine.consumed(300) == nil)
        // The peer's remaining window drops to 100: what was consumed goes back.
        #expect(machine.received(500) == .accepted(grant: 300))
        // Half the window consumed.
        #expect(machine.consumed(500) == 500)
        // 900 received, 800 returned, 100 still held by the application.
        #expect(machine.available == 900)
    }

    @Test("more than the credit is an overflow")
    func overflow() {
        var machine = Machine(initialWindow: 1_000)
        #expect(machine.received(1_000) == .accepted(grant: nil))
        #expect(machine.received(1) == .overflow(available: 0))
    }

    @Test("a sender out of credit gets back what was consumed, even less than half a window")
    func noDeadlockOnPartialMessages() {
        // A 100-byte message is consumed early; then a message of 950 bytes starts arriving and
        // uses up the window before it is complete, so nothing more can be consumed.
        var machine = Machine(initialWindow: 1_000)
        #expect(machine.received(100) == .accepted(grant: nil))
        #expect(machine.consumed(100) == nil)
        // The window drops to half: the 100 consumed bytes go back with this frame's arrival.
        #expect(machine.received(450) == .accepted(grant: 100))
        #expect(machine.received(550) == .accepted(grant: nil))
        #expect(machine.available == 0)
        // Consumed once complete: credit goes back at once, as the window is low.
        #expect(machine.consumed(1_000) == 1_000)
    }

    @Test("a unary call's small message is consumed without a WINDOW_UPDATE")
    func unaryPaysNothing() {
        var machine = Machine(initialWindow: 4 * 1_024 * 1_024)
        #expect(machine.received(2_000) == .accepted(grant: nil))
        #expect(machine.consumed(2_000) == nil)
    }
}
