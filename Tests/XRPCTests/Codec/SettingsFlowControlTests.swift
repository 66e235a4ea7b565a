import NIOCore
import Testing
@testable import XRPC

@Suite("SETTINGS flow_control (field 6)")
struct SettingsFlowControlTests {
    @Test("absent means false, and the window is read as announced")
    func absent() throws {
        let settings = try XRPCSettings.decode(ByteBuffer(bytes: [0x28, 0x80, 0x80, 0x04]))
        #expect(!settings.flowControl)
        #expect(settings.initialWindowSize == 65_536)
    }

    @Test("with flow_control, a window below max_message_size is read as max_message_size")
    func windowAtLeastOneMessage() throws {
        // max_message_size 100000, initial_window_size 65536, flow_control true.
        let settings = try XRPCSettings.decode(ByteBuffer(bytes: [0x10, 0xA0, 0x8D, 0x06, 0x28, 0x80, 0x80, 0x04, 0x30, 0x01]))
        #expect(settings.flowControl)
        #expect(settings.initialWindowSize == 100_000)
    }

    @Test("the Swift side announces flow_control and a window of at least one message; off keeps the configuration")
    func announced() throws {
        let on = XRPCConnectionHandler.announced(.defaults, flowControl: true)
        #expect(on.flowControl && on.initialWindowSize == 4 * 1_024 * 1_024)
        let bytes = Array(try on.encoded().readableBytesView)
        #expect(bytes.suffix(2) == [0x30, 0x01])
        #expect(try XRPCSettings.decode(on.encoded()) == on)
        let off = XRPCConnectionHandler.announced(.defaults, flowControl: false)
        #expect(off == .defaults)
        #expect(!Array(try off.encoded().readableBytesView).contains(0x30))
    }
}
