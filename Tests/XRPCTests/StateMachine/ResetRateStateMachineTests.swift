import NIOCore
import Testing
@testable import XRPC

@Suite("XRPCResetRateStateMachine: rapid-reset policing")
struct ResetRateStateMachineTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test("the reset after the limit within one window is ENHANCE_YOUR_CALM")
    func overTheLimit() {
        var machine = XRPCResetRateStateMachine(maxResets: 3, window: .seconds(30))
        for second in 0..<3 {
            #expect(machine.peerReset(at: Self.start + .seconds(Int64(second))) == .allow)
        }
        #expect(machine.peerReset(at: Self.start + .seconds(29)) == .enhanceYourCalm(resets: 4))
    }

    @Test("a new window starts the count again")
    func windowsRestart() {
        var machine = XRPCResetRateStateMachine(maxResets: 2, window: .seconds(30))
        #expect(machine.peerReset(at: Self.start) == .allow)
        #expect(machine.peerReset(at: Self.start + .seconds(1)) == .allow)
        // 30 s after the window began, it is over: the third reset opens a new one.
        #expect(machine.peerReset(at: Self.start + .seconds(30)) == .allow)
        #expect(machine.resets == 1)
        #expect(machine.peerReset(at: Self.start + .seconds(31)) == .allow)
        #expect(machine.peerReset(at: Self.start + .seconds(32)) == .enhanceYourCalm(resets: 3))
    }

    @Test("nil disables the limit")
    func disabled() {
        var machine = XRPCResetRateStateMachine(maxResets: nil, window: .seconds(30))
        for _ in 0..<10_000 { #expect(machine.peerReset(at: Self.start) == .allow) }
    }

    @Test("the server defaults are 200 resets per 30 s, and the client does not police")
    func defaults() {
        #expect(XRPCConnectionPolicy.serverDefaults.maxPeerResets == 200)
        #expect(XRPCConnectionPolicy.serverDefaults.peerResetWindow == .seconds(30))
        let client = XRPCConnectionHandler(role: .client, settings: .defaults, handshakeTimeout: .seconds(1))
        #expect(client.peerResets.maxResets == nil)
        let server = XRPCConnectionHandler(role: .server, settings: .defaults, handshakeTimeout: .seconds(1))
        #expect(server.peerResets.maxResets == 200)
    }
}
