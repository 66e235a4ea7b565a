import Testing
@testable import XRPC

@Suite("XRPCStreamLifecycle: one large message per stream on its way to the writer", .timeLimit(.minutes(2)))
struct StreamLifecycleQueueTests {
    @Test("waiting for room claims the slot at once, before the event loop has seen the message")
    func claimsOnReturn() async {
        let lifecycle = XRPCStreamLifecycle()
        await lifecycle.waitForQueueRoom()
        // A producer that only looked at the slot could submit message after message while the
        // event loop was busy; the claim is what stops the second one.
        #expect(lifecycle.isQueueFull)
    }

    @Test("the next producer waits until the writer frees the slot, and then holds it")
    func handsOverTheSlot() async {
        let lifecycle = XRPCStreamLifecycle()
        await lifecycle.waitForQueueRoom()
        let second = Task { await lifecycle.waitForQueueRoom() }
        // The event loop queues the first message, then writes its last fragment.
        lifecycle.setQueueFull(true)
        lifecycle.setQueueFull(false)
        await second.value
        #expect(lifecycle.isQueueFull, "the second message's claim")
    }

    @Test("a closed stream releases its waiting producer")
    func closeReleases() async {
        let lifecycle = XRPCStreamLifecycle()
        await lifecycle.waitForQueueRoom()
        let waiter = Task { await lifecycle.waitForQueueRoom() }
        lifecycle.close(.resetByPeer(.cancel))
        await waiter.value
        #expect(lifecycle.isClosed)
    }
}

@Suite("XRPCStreamLifecycle: a producer waits for flow-control credit", .timeLimit(.minutes(2)))
struct StreamLifecycleCreditTests {
    @Test("unlimited until limited; then one message may overdraw, the next waits for credit")
    func creditGate() async {
        let lifecycle = XRPCStreamLifecycle()
        await lifecycle.waitForSendCredit(1_000_000)
        lifecycle.limitSendCredit(to: 100)
        await lifecycle.waitForSendCredit(150)
        let next = Task { await lifecycle.waitForSendCredit(10) }
        // 50 more brings the credit back to zero: still nothing to take.
        lifecycle.addSendCredit(50)
        lifecycle.addSendCredit(1)
        await next.value
    }

    @Test("a closed stream releases a producer waiting for credit")
    func closeReleasesCreditWaiter() async {
        let lifecycle = XRPCStreamLifecycle()
        lifecycle.limitSendCredit(to: 0)
        let waiter = Task { await lifecycle.waitForSendCredit(10) }
        lifecycle.close(.resetByPeer(.cancel))
        await waiter.value
    }
}
