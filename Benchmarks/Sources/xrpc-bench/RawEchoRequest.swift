import NIOCore

/// A request the raw-tls client writes: the framed request, how many response frames answer
/// it, and where the total payload bytes of those frames go.
struct RawEchoRequest: Sendable {
    var frame: ByteBuffer
    var responseFrames: Int
    var promise: EventLoopPromise<Int>
}
