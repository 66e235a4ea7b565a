import Testing
@testable import XRPC

@Suite("Connection pool state machine", .timeLimit(.minutes(2)))
struct ConnectionPoolStateMachineTests {
    typealias Machine = XRPCClientConnectionPool.StateMachine
    let t0 = ContinuousClock.now
    let backoff = XRPCBackoff(initial: .seconds(1), maximum: .seconds(10), multiplier: 2, jitter: 0)

    func machine(endpoints: Int = 2, maxConnections: Int = 2) -> Machine {
        Machine(endpointNames: (0..<endpoints).map { "host\($0):1" }, maxConnectionsPerEndpoint: maxConnections, backoff: self.backoff)
    }

    @Test("endpoints are picked round-robin, each connecting on first use")
    func roundRobin() {
        var m = self.machine()
        #expect(m.pick(now: t0) == .connect(endpoint: 0))
        #expect(m.pick(now: t0) == .connect(endpoint: 1))
        m.connected(endpoint: 0, connection: 10, maxStreams: 100)
        m.connected(endpoint: 1, connection: 11, maxStreams: 100)
        #expect(m.pick(now: t0) == .use(endpoint: 0, connection: 10))
        #expect(m.pick(now: t0) == .use(endpoint: 1, connection: 11))
        #expect(m.pick(now: t0) == .use(endpoint: 0, connection: 10))
    }

    @Test("a second caller waits for the connect in progress rather than starting another")
    func joinsConnectInProgress() {
        var m = self.machine(endpoints: 1)
        #expect(m.pick(now: t0) == .connect(endpoint: 0))
        #expect(m.pick(now: t0) == .join(endpoint: 0))
    }

    @Test("a failed connect marks the endpoint down for its backoff; others take the calls")
    func downEndpointSkipped() {
        var m = self.machine()
        #expect(m.pick(now: t0) == .connect(endpoint: 0))
        #expect(m.connectFailed(endpoint: 0, error: "refused", now: t0, random: 0.5) == .seconds(1))
        #expect(m.pick(now: t0) == .connect(endpoint: 1))
        m.connected(endpoint: 1, connection: 1, maxStreams: 10)
        for _ in 0..<4 {
            #expect(m.pick(now: t0.advanced(by: .milliseconds(999))) == .use(endpoint: 1, connection: 1))
        }
        // Backoff over: the next call that reaches endpoint 0 tries it again.
        let later = t0.advanced(by: .seconds(1))
        let picks = [m.pick(now: later), m.pick(now: later)]
        #expect(picks.contains(.connect(endpoint: 0)))
    }

    @Test("backoff grows by the multiplier up to the maximum, and resets on success")
    func backoffGrowth() {
        var m = self.machine(endpoints: 1)
        var delays: [Duration] = []
        var now = t0
        for _ in 0..<6 {
            #expect(m.pick(now: now) == .connect(endpoint: 0))
            let delay = m.connectFailed(endpoint: 0, error: "refused", now: now, random: 0.5)
            delays.append(delay)
            now = now.advanced(by: delay)
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        #expect(m.pick(now: now) == .connect(endpoint: 0))
        m.connected(endpoint: 0, connection: 1, maxStreams: 1)
        m.remove(endpoint: 0, connection: 1)
        #expect(m.pick(now: now) == .connect(endpoint: 0))
        #expect(m.connectFailed(endpoint: 0, error: "refused", now: now, random: 0.5) == .seconds(1))
    }

    @Test("jitter spreads the wait within ±jitter", arguments: [0.0, 0.25, 0.5, 0.999])
    func jitter(random: Double) {
        let policy = XRPCBackoff(initial: .seconds(10), maximum: .seconds(100), multiplier: 2, jitter: 0.2)
        let delay = policy.delay(afterFailures: 1, random: random)
        #expect(delay >= .seconds(8))
        #expect(delay <= .seconds(12))
        #expect(policy.delay(afterFailures: 1, random: 0) == .seconds(8))
    }

    @Test("every endpoint down: the call fails with a message naming each and why")
    func allDown() {
        var m = self.machine()
        _ = m.pick(now: t0)
        m.connectFailed(endpoint: 0, error: "connection refused", now: t0, random: 0.5)
        _ = m.pick(now: t0)
        m.connectFailed(endpoint: 1, error: "TLS handshake failed", now: t0, random: 0.5)
        guard case .fail(let message) = m.pick(now: t0) else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains("host0:1: down for another 1000 ms after 1 failed connect(s) (last error: connection refused)"))
        #expect(message.contains("host1:1: down for another"))
        #expect(message.contains("TLS handshake failed"))
    }

    @Test("an endpoint this call failed on is not tried again by it")
    func excluding() {
        var m = Machine(endpointNames: ["a:1"], maxConnectionsPerEndpoint: 1, backoff: XRPCBackoff(initial: .zero, maximum: .zero, multiplier: 1, jitter: 0))
        #expect(m.pick(now: t0) == .connect(endpoint: 0))
        m.connectFailed(endpoint: 0, error: "refused", now: t0, random: 0)
        guard case .fail(let message) = m.pick(now: t0, excluding: [0]) else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains("a:1: connect failed (last error: refused)"))
    }

    @Test("a full connection makes the endpoint open another, up to the maximum, then queue")
    func secondConnection() {
        var m = self.machine(endpoints: 1, maxConnections: 2)
        #expect(m.pick(now: t0) == .connect(endpoint: 0))
        m.connected(endpoint: 0, connection: 1, maxStreams: 1)
        // Connection 1 is full (the connecting caller holds its only stream).
        #expect(m.pick(now: t0) == .connect(endpoint: 0))
        m.connected(endpoint: 0, connection: 2, maxStreams: 1)
        // Both full and at the maximum: queue on the least busy.
        #expect(m.pick(now: t0) == .use(endpoint: 0, connection: 1))
        #expect(m.pick(now: t0) == .use(endpoint: 0, connection: 2))
        m.release(endpoint: 0, connection: 1)
        m.release(endpoint: 0, connection: 1)
        #expect(m.pick(now: t0) == .use(endpoint: 0, connection: 1))
    }

    @Test("a free stream on another endpoint is preferred to waiting for a connect")
    func preferFreeOverJoin() {
        var m = self.machine()
        #expect(m.pick(now: t0) == .connect(endpoint: 0))
        #expect(m.pick(now: t0) == .connect(endpoint: 1))
        m.connected(endpoint: 1, connection: 7, maxStreams: 5)
        // Endpoint 0 is still connecting; endpoint 1 has room.
        #expect(m.pick(now: t0) == .use(endpoint: 1, connection: 7))
        #expect(m.pick(now: t0) == .use(endpoint: 1, connection: 7))
    }

    @Test("a drained connection is forgotten and replaced on demand; shutdown refuses calls")
    func removeAndShutdown() {
        var m = self.machine(endpoints: 1)
        _ = m.pick(now: t0)
        m.connected(endpoint: 0, connection: 1, maxStreams: 10)
        m.remove(endpoint: 0, connection: 1)
        m.release(endpoint: 0, connection: 1)
        #expect(m.pick(now: t0) == .connect(endpoint: 0))
        m.connectAbandoned(endpoint: 0)
        m.shutDown()
        #expect(m.pick(now: t0) == .fail("the client transport is shutting down"))
    }
}
