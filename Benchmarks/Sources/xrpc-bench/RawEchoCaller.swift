import Foundation
import NIOCore

/// Calls on one raw-tls connection: frame the request, write and flush it, await the
/// promise the client handler fulfils when the answer is complete.
struct RawEchoCaller: EchoCaller {
    let channel: any Channel

    func echo(_ payload: Data) async throws {
        var frame = channel.allocator.buffer(capacity: 5 + payload.count)
        frame.writeInteger(UInt32(1 + payload.count))
        frame.writeInteger(UInt8(0))
        frame.writeBytes(payload)
        let bytes = try await call(frame, responseFrames: 1)
        guard bytes == payload.count else {
            throw BenchError.setup("raw-tls echo returned \(bytes) bytes, sent \(payload.count)")
        }
    }

    func expand(count: Int, size: Int) async throws -> Int {
        var frame = channel.allocator.buffer(capacity: 13)
        frame.writeInteger(UInt32(9))
        frame.writeInteger(UInt8(1))
        frame.writeInteger(UInt32(count))
        frame.writeInteger(UInt32(size))
        let bytes = try await call(frame, responseFrames: max(count, 1))
        return size > 0 ? bytes / size : count
    }

    func close() async {
        try? await channel.close()
    }

    private func call(_ frame: ByteBuffer, responseFrames: Int) async throws -> Int {
        let promise = channel.eventLoop.makePromise(of: Int.self)
        channel.writeAndFlush(RawEchoRequest(frame: frame, responseFrames: responseFrames, promise: promise), promise: nil)
        return try await promise.futureResult.get()
    }
}
