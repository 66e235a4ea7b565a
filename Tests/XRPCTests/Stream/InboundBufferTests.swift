import GRPCCore
import Synchronization
import Testing
@testable import XRPC

@Suite("XRPCInboundBuffer")
struct InboundBufferTests {
    struct Failure: Error, Equatable {}

    @Test("an error after queued parts: with afterQueued the parts come first, then the error")
    func errorAfterQueued() async throws {
        let buffer = XRPCInboundBuffer<Int>(budget: nil)
        buffer.push(1)
        buffer.push(2)
        buffer.finish(throwing: Failure(), afterQueued: true)
        #expect(try await buffer.next() == 1)
        #expect(try await buffer.next() == 2)
        await #expect(throws: Failure.self) { try await buffer.next() }
    }

    @Test("an error without afterQueued drops queued parts: the consumer sees the error next")
    func errorDropsQueued() async throws {
        let buffer = XRPCInboundBuffer<Int>(budget: nil)
        buffer.push(1)
        buffer.finish(throwing: Failure())
        await #expect(throws: Failure.self) { try await buffer.next() }
    }

    @Test("a normal end still delivers queued parts, then nil")
    func normalEnd() async throws {
        let buffer = XRPCInboundBuffer<Int>(budget: nil)
        buffer.push(7)
        buffer.finish()
        #expect(try await buffer.next() == 7)
        #expect(try await buffer.next() == nil)
    }

    @Test("bytes count against the budget until consumed or discarded; the budget resumes reading")
    func budget() async throws {
        let resumed = XRPCTestCounter()
        let budget = XRPCInboundBudget(highWatermark: 100) { resumed.increment() }
        let buffer = XRPCInboundBuffer<Int>(budget: budget)
        buffer.push(1, bytes: 80)
        buffer.push(2, bytes: 80)
        #expect(budget.shouldPause())
        #expect(try await buffer.next() == 1)
        #expect(resumed.value == 0)  // 80 bytes left: above the low watermark of 50
        buffer.discard()
        #expect(resumed.value == 1)
        #expect(!budget.shouldPause())
    }

    @Test("a consumer waiting when its task is cancelled gets CANCELLED")
    func cancellation() async throws {
        let buffer = XRPCInboundBuffer<Int>(budget: nil)
        let task = Task { try await buffer.next() }
        task.cancel()
        let result = await task.result
        #expect(throws: RPCError.self) { try result.get() }
    }
}

/// A thread-safe counter for callbacks.
final class XRPCTestCounter: Sendable {
    private let count = Mutex(0)
    func increment() { self.count.withLock { $0 += 1 } }
    var value: Int { self.count.withLock { $0 } }
}
