import NIOCore
import Testing
@testable import XRPC

@Suite("XRPCLivenessStateMachine: keepalive and PING policing")
struct LivenessStateMachineTests {
    typealias Machine = XRPCLivenessStateMachine

    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func policy(keepalive: Duration? = .seconds(10), minPing: Duration = .seconds(5), strikes: Int = 2) -> XRPCConnectionPolicy {
        var policy = XRPCConnectionPolicy.serverDefaults
        policy.keepaliveInterval = keepalive
        policy.keepaliveTimeout = .seconds(2)
        policy.minPeerPingInterval = minPing
        policy.maxPingStrikes = strikes
        return policy
    }

    @Test("keepalive waits for the quiet interval, pings, and times out without an ACK")
    func keepaliveTimesOut() {
        var machine = Machine(policy: Self.policy(), now: Self.start)
        #expect(machine.keepaliveTick(now: Self.start + .seconds(3)) == .wait(until: Self.start + .seconds(10)))
        guard case .sendPing(let payload, let checkAgain) = machine.keepaliveTick(now: Self.start + .seconds(10)) else {
            Issue.record("expected a PING")
            return
        }
        #expect(payload != Machine.drainPingPayload)
        #expect(checkAgain == Self.start + .seconds(12))
        // Traffic that is not the ACK does not clear the outstanding PING.
        machine.frameReceived(at: Self.start + .seconds(11), isData: true)
        #expect(machine.keepaliveTick(now: Self.start + .seconds(11)) == .wait(until: Self.start + .seconds(12)))
        #expect(machine.keepaliveTick(now: Self.start + .seconds(12)) == .timedOut)
    }

    @Test("the matching ACK clears the PING; received frames push the next one back")
    func acknowledged() {
        var machine = Machine(policy: Self.policy(), now: Self.start)
        guard case .sendPing(let payload, _) = machine.keepaliveTick(now: Self.start + .seconds(10)) else {
            Issue.record("expected a PING")
            return
        }
        let wrong = machine.pingAcknowledged(payload: payload &+ 1)
        #expect(!wrong)
        let right = machine.pingAcknowledged(payload: payload)
        #expect(right)
        machine.frameReceived(at: Self.start + .seconds(11), isData: false)
        #expect(machine.keepaliveTick(now: Self.start + .seconds(12)) == .wait(until: Self.start + .seconds(21)))
        guard case .sendPing(let next, _) = machine.keepaliveTick(now: Self.start + .seconds(21)) else {
            Issue.record("expected a second PING")
            return
        }
        #expect(next != payload)
    }

    @Test("keepalive off means no PINGs at all")
    func disabled() {
        var machine = Machine(policy: Self.policy(keepalive: nil), now: Self.start)
        #expect(machine.keepaliveTick(now: Self.start + .seconds(1_000)) == .disabled)
    }

    @Test("PINGs closer than the minimum without data are strikes; the one after maxPingStrikes is ENHANCE_YOUR_CALM")
    func pingFlood() {
        var machine = Machine(policy: Self.policy(strikes: 2), now: Self.start)
        #expect(machine.peerPing(at: Self.start) == .answer)
        #expect(machine.peerPing(at: Self.start + .seconds(1)) == .answer)
        #expect(machine.peerPing(at: Self.start + .seconds(2)) == .answer)
        #expect(machine.strikes == 2)
        #expect(machine.peerPing(at: Self.start + .seconds(3)) == .enhanceYourCalm(strikes: 3))
    }

    @Test("spaced PINGs are never strikes, and data clears strikes")
    func legitimatePings() {
        var machine = Machine(policy: Self.policy(strikes: 1), now: Self.start)
        for second in stride(from: 0, to: 60, by: 5) {
            #expect(machine.peerPing(at: Self.start + .seconds(Int64(second))) == .answer)
        }
        #expect(machine.strikes == 0)
        #expect(machine.peerPing(at: Self.start + .seconds(56)) == .answer)
        #expect(machine.strikes == 1)
        machine.dataExchanged()
        #expect(machine.strikes == 0)
        #expect(machine.peerPing(at: Self.start + .seconds(57)) == .answer)
        #expect(machine.peerPing(at: Self.start + .seconds(58)) == .answer)
        #expect(machine.peerPing(at: Self.start + .seconds(59)) == .enhanceYourCalm(strikes: 2))
    }
}
