@testable import IssuanceService
import Testing

@Suite struct StockGateTests {
    @Test func unknownUntilLoadedThenAdmitsUpToTheRemainder() async {
        let gate = StockGate()
        #expect(await gate.admit("c") == .unknown)
        gate.load("c", level: .init(inventory: 2, issued: 0))
        guard case .admitted(let first) = await gate.admit("c"), case .admitted(let second) = await gate.admit("c") else {
            Issue.record("expected two admissions")
            return
        }
        gate.settle(first, level: .init(inventory: 2, issued: 1))
        gate.settle(second, level: .init(inventory: 2, issued: 2))
        #expect(await gate.admit("c") == .soldOut)
        #expect(gate.refusals == 1)
    }

    @Test func aWaiterGetsTheReservationOfAClaimThatFailed() async {
        let gate = StockGate()
        gate.load("c", level: .init(inventory: 1, issued: 0))
        guard case .admitted(let ticket) = await gate.admit("c") else {
            Issue.record("expected an admission")
            return
        }
        async let waiting = gate.admit("c")
        // Let the waiter queue up: it cannot be admitted while the ticket is in flight.
        while true {
            await Task.yield()
            if gate.waiterCount("c") == 1 { break }
        }
        gate.settle(ticket, level: nil)
        guard case .admitted = await waiting else {
            Issue.record("expected the waiter to be admitted")
            return
        }
    }

    @Test func waitersAreRefusedTogetherWhenTheLastCouponIsIssued() async {
        let gate = StockGate()
        gate.load("c", level: .init(inventory: 1, issued: 0))
        guard case .admitted(let ticket) = await gate.admit("c") else {
            Issue.record("expected an admission")
            return
        }
        async let first = gate.admit("c")
        async let second = gate.admit("c")
        while gate.waiterCount("c") < 2 { await Task.yield() }
        gate.settle(ticket, level: .init(inventory: 1, issued: 1))
        #expect(await first == .soldOut)
        #expect(await second == .soldOut)
    }

    @Test func observationsMergeByMaximumAndResetForgetsOldTickets() async {
        let gate = StockGate()
        gate.load("c", level: .init(inventory: 10, issued: 5))
        gate.observe("c", level: .init(inventory: 10, issued: 3))
        gate.observe("c", level: .init(inventory: 10, issued: 10))
        #expect(await gate.admit("c") == .soldOut)
        gate.reset("c")
        #expect(await gate.admit("c") == .unknown)
        gate.load("c", level: .init(inventory: 12, issued: 10))
        guard case .admitted(let ticket) = await gate.admit("c") else {
            Issue.record("expected an admission")
            return
        }
        // A ticket of the old generation does not release the new one's reservation.
        gate.settle(StockGate.Ticket(campaignID: "c", generation: 0), level: nil)
        guard case .admitted = await gate.admit("c") else {
            Issue.record("expected a second admission")
            return
        }
        async let third = gate.admit("c")
        while gate.waiterCount("c") < 1 { await Task.yield() }
        gate.settle(ticket, level: .init(inventory: 12, issued: 12))
        #expect(await third == .soldOut)
    }

    @Test func aLevelReadBeforeAResetIsDropped() async {
        let gate = StockGate()
        #expect(await gate.admit("c") == .unknown)
        let resets = gate.readStarting()
        // The campaign's inventory grows (and the gate is reset) while the old level is read.
        gate.reset("c")
        gate.load("c", level: .init(inventory: 1, issued: 1), readAfter: resets)
        #expect(await gate.admit("c") == .unknown)
        gate.load("c", level: .init(inventory: 2, issued: 1), readAfter: gate.readStarting())
        guard case .admitted = await gate.admit("c") else {
            Issue.record("expected an admission from the level read after the reset")
            return
        }
    }
}
