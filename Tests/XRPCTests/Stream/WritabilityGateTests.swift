import Synchronization
import Testing
@testable import XRPC

@Suite("XRPCWritabilityGate: small messages on their way to the event loop are bounded", .timeLimit(.minutes(2)))
struct WritabilityGateTests {
    /// Counts producers that got through the gate.
    final class Admitted: Sendable {
        private let count = Mutex(0)
        func add() { self.count.withLock { $0 += 1 } }
        var value: Int { self.count.withLock { $0 } }
    }

    @Test("many producers on a writable channel: only the in-flight limit gets through until the event loop releases")
    func boundHoldsWhileTheLoopHasNotCaughtUp() async throws {
        let gate = XRPCWritabilityGate(inFlightLimit: 64 * 1_024)
        let admitted = Admitted()
        let message = 8 * 1_024
        let producers = 100
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<producers {
                group.addTask {
                    await gate.reserve(message)
                    admitted.add()
                }
            }
            // Every producer either got through or waits: the event loop has released nothing.
            try await ClientProbe.waitUntil { admitted.value + gate.waitingReservations == producers }
            // Checking writability alone let all 100 (800 KiB) through here.
            #expect(admitted.value == 8)
            #expect(gate.inFlight <= gate.inFlightLimit)
            // The event loop flushes two messages: two more producers go.
            gate.release(2 * message)
            try await ClientProbe.waitUntil { admitted.value == 10 }
            #expect(gate.waitingReservations == producers - 10)
            gate.release(8 * message)
            try await ClientProbe.waitUntil { admitted.value == 18 }
            // The rest, one for each message the event loop flushes.
            for _ in 0..<(producers - 18) { gate.release(message) }
            try await group.waitForAll()
        }
        #expect(admitted.value == producers)
        #expect(gate.inFlight == 8 * message)
    }

    @Test("an unwritable channel holds reservations; writable again, they go in order")
    func unwritableHolds() async throws {
        let gate = XRPCWritabilityGate(inFlightLimit: 1_024)
        gate.setWritable(false)
        let first = Task { await gate.reserve(600) }
        try await ClientProbe.waitUntil { gate.waitingReservations == 1 }
        let second = Task { await gate.reserve(600) }
        try await ClientProbe.waitUntil { gate.waitingReservations == 2 }
        gate.setWritable(true)
        await first.value
        // 1,200 bytes would exceed the limit: the second waits for the first to be released.
        #expect(gate.waitingReservations == 1)
        gate.release(600)
        await second.value
        #expect(gate.inFlight == 600)
    }

    @Test("a message larger than the limit passes when nothing is in flight, and only then")
    func oversizedPassesAlone() async throws {
        let gate = XRPCWritabilityGate(inFlightLimit: 1_024)
        await gate.reserve(5_000)
        let next = Task { await gate.reserve(10) }
        try await ClientProbe.waitUntil { gate.waitingReservations == 1 }
        gate.release(5_000)
        await next.value
        #expect(gate.inFlight == 10)
    }

    @Test("a closed connection releases every waiter")
    func closeReleases() async throws {
        let gate = XRPCWritabilityGate(inFlightLimit: 1_024)
        gate.setWritable(false)
        let reserver = Task { await gate.reserve(100) }
        let waiter = Task { await gate.waitUntilWritable() }
        try await ClientProbe.waitUntil { gate.waitingReservations == 1 }
        gate.close()
        await reserver.value
        await waiter.value
        await gate.reserve(1_000_000)
    }
}
