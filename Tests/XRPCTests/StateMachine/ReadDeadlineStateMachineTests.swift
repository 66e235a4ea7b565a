import NIOCore
import Testing
@testable import XRPC

@Suite("XRPCReadDeadlineStateMachine: frame boundaries")
struct ReadDeadlineStateMachineTests {
    static func frames() -> ByteBuffer {
        var buffer = ByteBuffer(bytes: XRPCPreface.bytes)
        buffer.writeXRPCFrame(XRPCFrame(type: .settings, streamID: 0))
        buffer.writeXRPCFrame(XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(integer: UInt64(7))))
        buffer.writeXRPCFrame(XRPCFrame(type: .message, streamID: 1, payload: ByteBuffer(repeating: 0xAB, count: 300)))
        return buffer
    }

    /// Byte offsets at which a whole number of frames (and the preface) has arrived.
    static let boundaries: Set<Int> = [0, 8, 20, 40, 352]

    @Test("mid-frame exactly between boundaries, whatever the chunking", arguments: [1, 3, 7, 12, 13, 100, 352])
    func anyChunking(chunkSize: Int) {
        var machine = XRPCReadDeadlineStateMachine(expectPreface: true)
        var input = Self.frames()
        var offset = 0
        #expect(!machine.isMidFrame)
        while input.readableBytes > 0 {
            let chunk = input.readSlice(length: min(chunkSize, input.readableBytes))!
            machine.receive(chunk)
            offset += chunk.readableBytes
            #expect(machine.isMidFrame == !Self.boundaries.contains(offset), "at offset \(offset)")
        }
        #expect(offset == 352)
    }

    @Test("half a preface is mid-frame; a client-side tracker starts at a frame header")
    func preface() {
        var server = XRPCReadDeadlineStateMachine(expectPreface: true)
        server.receive(ByteBuffer(bytes: XRPCPreface.bytes.prefix(3)))
        #expect(server.isMidFrame)
        var client = XRPCReadDeadlineStateMachine(expectPreface: false)
        client.receive(ByteBuffer(bytes: [0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0]))
        #expect(client.isMidFrame)
        client.receive(ByteBuffer(bytes: [0]))
        #expect(!client.isMidFrame)
    }
}
