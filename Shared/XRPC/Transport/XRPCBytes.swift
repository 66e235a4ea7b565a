public import GRPCCore
public import NIOCore

/// The message bytes XRPC hands to GRPCCore: a `ByteBuffer`, so a received message reaches the
/// deserializer without a copy.
public struct XRPCBytes: GRPCContiguousBytes, Hashable, Sendable {
    /// The bytes; all of the buffer's readable bytes are the message.
    public var buffer: ByteBuffer

    /// Wraps a buffer.
    /// - Parameter buffer: the message bytes.
    public init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    public init(repeating byte: UInt8, count: Int) {
        self.buffer = ByteBuffer(repeating: byte, count: count)
    }

    public init(_ sequence: some Sequence<UInt8>) {
        self.buffer = ByteBuffer(bytes: sequence)
    }

    public var count: Int { self.buffer.readableBytes }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try self.buffer.withUnsafeReadableBytes(body)
    }

    public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try self.buffer.withUnsafeMutableReadableBytes(body)
    }
}
