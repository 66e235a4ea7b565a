import Dispatch
import GRPCCore
import NIOCore
import NIOEmbedded
import NIOTLS
import Synchronization

// The two fuzz entry points (Tests/XRPCFuzz) and their replay test (Tests/XRPCTests/Fuzz) call
// exactly this code, so a crash input found by libFuzzer replays the same way in `swift test`.
// It lives in the XRPC module because it builds the server pipeline from internal types; it is
// `@_spi(Fuzzing)` so that no service can use it by accident.
//
// Input format, shared by both targets: byte 0 is a set of flags, byte 1 seeds the split points
// (0: everything in one read), the rest is the byte stream a peer sends (after TLS, for the server).

/// Entry points for the XRPC/1 fuzz targets. Every function here must return for any input;
/// a trap is a bug in XRPC (or in the oracle checks below, which trap on purpose).
@_spi(Fuzzing)
public enum XRPCFuzzing {
    /// Feeds `input` to `XRPCFrameDecoder` inside a `ByteToMessageHandler`, in arbitrary pieces,
    /// and checks the frames against the channel-free decoder fed everything at once.
    /// Flags: bit 0 expects the client preface; bits 1-2 pick the limits.
    /// - Parameter input: flags, split seed, then the bytes to decode.
    public static func decodeFrames(_ input: UnsafeRawBufferPointer) {
        guard input.count >= 2 else { return }
        let flags = input[0]
        let data = Array(input[2...])
        // Tiny limits reach the FRAME_SIZE and oversized-header paths with short inputs.
        let limits = [(65_536, 16_384), (16_384, 1_024), (64, 16), (0, 0)][Int(flags >> 1) & 3]
        func makeDecoder() -> XRPCFrameDecoder {
            XRPCFrameDecoder(expectPreface: flags & 1 != 0, maxFramePayload: limits.0, maxHeaderSize: limits.1)
        }

        // Reference: the channel-free core on the whole input.
        var reference = makeDecoder()
        var whole = ByteBuffer(bytes: data)
        var expected: [XRPCFrame] = []
        var expectedError: XRPCConnectionError?
        do {
            while let frame = try reference.decode(buffer: &whole) { expected.append(frame) }
        } catch {
            expectedError = error as? XRPCConnectionError
            precondition(expectedError != nil, "XRPCFrameDecoder threw a non-XRPC error: \(error)")
        }

        // Under test: the NIO decoder loop, fed in pieces.
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(makeDecoder()))
        var frames: [XRPCFrame] = []
        var error: XRPCConnectionError?
        func collect() {
            while let frame = try? channel.readInbound(as: XRPCFrame.self) { frames.append(frame) }
        }
        for chunk in Self.chunks(of: data, seed: input[1]) {
            do {
                try channel.writeInbound(ByteBuffer(bytes: chunk))
            } catch let thrown as XRPCConnectionError {
                error = thrown
            } catch {
                preconditionFailure("the frame decoder pipeline threw \(error)")
            }
            collect()
            if error != nil { break }
        }
        // Leftover bytes at EOF are NIO's own error, not a protocol one: not compared.
        _ = try? channel.finish()
        collect()

        precondition(frames == expected, "split input decoded differently: \(frames) vs \(expected)")
        precondition(error == expectedError, "split input failed differently: \(String(describing: error)) vs \(String(describing: expectedError))")
        for frame in frames {
            precondition(frame.payload.readableBytes <= max(limits.0, 0), "a frame above max_frame_payload was delivered")
            precondition(frame.streamID & 0x8000_0000 == 0, "the reserved stream id bit was not masked")
            if frame.oversizedPayloadLength != nil {
                precondition(frame.type == .headers || frame.type == .trailers, "only header frames may be skipped")
                precondition(frame.payload.readableBytes == 0, "a skipped frame carried its payload")
            }
        }
    }

    /// Splits `data` into pieces whose sizes come from `seed`: arbitrary, yet reproducible.
    static func chunks(of data: [UInt8], seed: UInt8) -> [ArraySlice<UInt8>] {
        guard seed != 0 else { return [data[...]] }
        let maxChunk = 1 << Int(seed % 8)  // 1 ... 128 bytes
        var state = UInt32(seed) &* 2_654_435_761 | 1
        var result: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset < data.count {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            let size = min(1 + Int(state % UInt32(maxChunk)), data.count - offset)
            result.append(data[offset..<offset + size])
            offset += size
        }
        return result
    }
}

extension XRPCFuzzing {
    /// A whole server connection on an `EmbeddedChannel`: the handlers `XRPCServerTransport`
    /// installs after TLS (preface check and frame decoder, connection handler), then every
    /// accepted stream run by `XRPCServerCall` into a real `GRPCServer` with a raw-bytes echo
    /// service. All tasks run on this thread, on a task executor drained between reads, so a run
    /// is deterministic apart from GRPCCore's own deadline timers.
    ///
    /// Create one per process (it holds the `GRPCServer`), call `run` per input, `shutdown` last.
    public final class ServerHarness: Sendable {
        let executor: ManualTaskExecutor
        let server: GRPCServer<HandlerCapturingTransport>
        let handler: HandlerCapturingTransport.StreamHandler
        let callsRunning = Mutex(0)
        let transport: HandlerCapturingTransport
        let trapsOnLeakedHandler: Bool

        /// Starts the `GRPCServer` on a capturing transport and takes its stream handler.
        /// - Parameter trapsOnLeakedHandler: whether `run` traps when the connection handler
        ///   outlives its connection (a retain cycle once did that; Tests/XRPCFuzz/README.md).
        public init(trapsOnLeakedHandler: Bool = true) {
            let executor = ManualTaskExecutor()
            let transport = HandlerCapturingTransport()
            let server = GRPCServer(transport: transport, services: [RawEchoService()])
            // Unstructured on purpose: the fuzzer's thread drives this executor, and `shutdown`
            // waits for `serveReturned`.
            Task(executorPreference: executor) {
                try? await server.serve()
                transport.serveReturned()
            }
            _ = executor.runPending()
            guard let handler = transport.handler else { preconditionFailure("GRPCServer did not start listening") }
            self.executor = executor
            self.server = server
            self.transport = transport
            self.handler = handler
            self.trapsOnLeakedHandler = trapsOnLeakedHandler
        }

        /// Stops the `GRPCServer`.
        public func shutdown() {
            self.server.beginGracefulShutdown()
            self.waitUntil("the GRPCServer did not stop") { self.transport.hasServeReturned }
        }

        /// Feeds one input to a fresh server connection and closes it; traps if the server writes
        /// bytes that are not XRPC frames, or if a call outlives its connection.
        /// Flags: bit 0 sends a graceful shutdown halfway; bit 1 lets 11 s pass (handshake timeout,
        /// deadlines); bit 2 negotiates another ALPN; bit 3 uses small server limits.
        /// - Parameter input: flags, split seed, then the client's bytes after TLS.
        /// - Returns: what the server wrote, and whether its connection handler was freed.
        /// - Throws: only if the embedded pipeline cannot be built (a harness bug, not an input's).
        @discardableResult
        public func run(_ input: UnsafeRawBufferPointer) throws -> ServerRun {
            guard input.count >= 2 else { return ServerRun(frames: [], connectionHandlerReleased: true) }
            let flags = input[0]
            let data = Array(input[2...])
            let settings = flags & 8 == 0
                ? XRPCSettings.defaults
                : XRPCSettings(maxFramePayload: 16_384, maxMessageSize: 64, maxHeaderSize: 1_024, maxConcurrentStreams: 2, initialWindowSize: 1)
            let normalized = settings.normalized

            let channel = EmbeddedChannel()
            let sync = channel.pipeline.syncOperations
            // The order of XRPCServerTransport.listen, minus NIOSSLServerHandler.
            try sync.addHandler(ByteToMessageHandler(XRPCFrameDecoder(
                expectPreface: true, maxFramePayload: normalized.maxFramePayload, maxHeaderSize: normalized.maxHeaderSize
            )))
            weak let released: XRPCConnectionHandler?
            do {
                // Held only by the pipeline from here, so `released` shows whether it was freed.
                let connectionHandler = XRPCConnectionHandler(role: .server, settings: settings, handshakeTimeout: .seconds(10))
                released = connectionHandler
                try sync.addHandler(connectionHandler)
            }
            try sync.addHandler(AcceptedStreamStarter(harness: self))
            var output = ServerOutputCheck()
            channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 50_051), promise: nil)
            channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: flags & 4 == 0 ? XRPCPreface.alpn : "h2"))
            self.settle(channel, &output)

            let chunks = XRPCFuzzing.chunks(of: data, seed: input[1])
            for (index, chunk) in chunks.enumerated() where channel.isActive {
                if flags & 1 != 0, index == chunks.count / 2 {
                    channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
                }
                // Protocol errors surface here too; the handler has already answered them with GOAWAY.
                _ = try? channel.writeInbound(ByteBuffer(bytes: chunk))
                self.settle(channel, &output)
            }
            if flags & 2 != 0, channel.isActive {
                channel.embeddedEventLoop.advanceTime(by: .seconds(11))
                self.settle(channel, &output)
            }
            _ = try? channel.finish()
            self.settle(channel, &output)
            // Every call must end once its connection is gone; one that does not is a leak.
            self.waitUntil("a server call outlived its connection") { self.callsRunning.withLock { $0 == 0 } }
            // A handler still alive here is a retain cycle: one leaked per connection in production.
            precondition(!self.trapsOnLeakedHandler || released == nil, "XRPC fuzz harness: the connection handler leaked")
            return ServerRun(frames: output.frames, connectionHandlerReleased: released == nil)
        }

        func startCall(_ stream: XRPCAcceptedStream) {
            self.callsRunning.withLock { $0 += 1 }
            // What XRPCServerTransport.serve does in its task group; awaited through the counter.
            Task(executorPreference: self.executor) {
                await XRPCServerCall.run(stream: stream, remotePeer: "ipv4:127.0.0.1:1", localPeer: "ipv4:127.0.0.1:50051", handler: self.handler)
                self.callsRunning.withLock { $0 -= 1 }
            }
        }

        /// Runs the event loop and the calls' tasks until neither has anything left to do,
        /// reading (and checking) what the server wrote.
        private func settle(_ channel: EmbeddedChannel, _ output: inout ServerOutputCheck) {
            var progressed = true
            while progressed {
                channel.embeddedEventLoop.run()
                progressed = self.executor.runPending() > 0
                while let bytes = try? channel.readOutbound(as: ByteBuffer.self) {
                    output.check(bytes)
                    progressed = true
                }
            }
        }

        /// Drains the executor until `done`; GRPCCore's timers may wake tasks from other threads.
        private func waitUntil(_ failure: String, _ done: () -> Bool) {
            let deadline = ContinuousClock.now.advanced(by: .seconds(5))
            while true {
                _ = self.executor.runPending()
                if done() { return }
                precondition(ContinuousClock.now < deadline, "XRPC fuzz harness: \(failure)")
                self.executor.waitForJob(until: deadline)
            }
        }
    }
}

/// What one `ServerHarness.run` saw.
@_spi(Fuzzing)
public struct ServerRun: Sendable {
    /// The frames the server wrote, in order.
    public let frames: [XRPCFrame]
    /// Whether the `XRPCConnectionHandler` was freed once its connection closed.
    public let connectionHandlerReleased: Bool
}

/// Hands accepted streams to the harness, in place of `NIOAsyncChannel` and the accept loop.
final class AcceptedStreamStarter: ChannelInboundHandler {
    typealias InboundIn = XRPCAcceptedStream
    private let harness: XRPCFuzzing.ServerHarness

    init(harness: XRPCFuzzing.ServerHarness) { self.harness = harness }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.harness.startCall(self.unwrapInboundIn(data))
    }
}

/// The oracle on the server's output: a client must be able to decode every byte as frames.
struct ServerOutputCheck {
    private var decoder = XRPCFrameDecoder(expectPreface: false, maxFramePayload: Int(UInt32.max), maxHeaderSize: Int(UInt32.max))
    private var pending = ByteBuffer()
    private(set) var frames: [XRPCFrame] = []

    mutating func check(_ bytes: ByteBuffer) {
        var bytes = bytes
        self.pending.writeBuffer(&bytes)
        do {
            while let frame = try self.decoder.decode(buffer: &self.pending) {
                precondition(frame.type.rawValue <= 7, "the server sent a frame of unknown type \(frame.type)")
                precondition(frame.streamID == 0 || frame.streamID % 2 == 1, "the server wrote on stream \(frame.streamID), which a client cannot open")
                self.frames.append(frame)
            }
        } catch {
            preconditionFailure("the server wrote bytes a client cannot decode: \(error)")
        }
        self.pending.discardReadBytes()
    }
}

/// Runs jobs only when asked, on the asking thread, so that tasks and the `EmbeddedEventLoop`
/// (which must stay on one thread) interleave deterministically.
final class ManualTaskExecutor: TaskExecutor {
    private let jobs = Mutex<[UnownedJob]>([])
    private let wakeUp = DispatchSemaphore(value: 0)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.jobs.withLock { $0.append(job) }
        self.wakeUp.signal()
    }

    /// Runs every job queued so far and every job those enqueue; returns how many ran.
    func runPending() -> Int {
        var ran = 0
        while true {
            let batch = self.jobs.withLock { jobs in
                defer { jobs.removeAll(keepingCapacity: true) }
                return jobs
            }
            if batch.isEmpty { return ran }
            for job in batch { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
            ran += batch.count
        }
    }

    /// Blocks until a job may have been enqueued, or `deadline`.
    func waitForJob(until deadline: ContinuousClock.Instant) {
        let left = ContinuousClock.now.duration(to: deadline).components
        let nanoseconds = max(0, left.seconds * 1_000_000_000 + left.attoseconds / 1_000_000_000)
        _ = self.wakeUp.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
    }
}

/// A `ServerTransport` that only lends `GRPCServer`'s stream handler to the harness.
final class HandlerCapturingTransport: ServerTransport {
    typealias Bytes = XRPCBytes
    typealias StreamHandler = @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void

    private let state = Mutex<(handler: StreamHandler?, stop: CheckedContinuation<Void, Never>?, stopped: Bool, served: Bool)>(
        (nil, nil, false, false)
    )

    var handler: StreamHandler? { self.state.withLock { $0.handler } }
    var hasServeReturned: Bool { self.state.withLock { $0.served } }

    /// Called by the harness once `GRPCServer.serve()` has returned.
    func serveReturned() { self.state.withLock { $0.served = true } }

    func listen(streamHandler: @escaping StreamHandler) async throws {
        await withCheckedContinuation { continuation in
            let stopped = self.state.withLock { state in
                state.handler = streamHandler
                state.stop = continuation
                return state.stopped
            }
            if stopped { continuation.resume() }
        }
    }

    func beginGracefulShutdown() {
        let stop = self.state.withLock { state in
            state.stopped = true
            defer { state.stop = nil }
            return state.stop
        }
        stop?.resume()
    }
}

/// Echoes request metadata and messages back as bytes; a message starting with "E" fails the
/// call instead, so error trailers are covered too.
struct RawEchoService: RegistrableRPCService {
    static let echo = MethodDescriptor(fullyQualifiedService: "voucherd.v1.Testing", method: "Echo")

    struct Raw: MessageSerializer, MessageDeserializer {
        func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
        func deserialize<Bytes: GRPCContiguousBytes>(_ bytes: Bytes) throws -> [UInt8] { bytes.withUnsafeBytes { Array($0) } }
    }

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(forMethod: Self.echo, deserializer: Raw(), serializer: Raw()) { request, _ in
            StreamingServerResponse(metadata: request.metadata) { writer in
                for try await message in request.messages {
                    if message.first == UInt8(ascii: "E") {
                        throw RPCError(code: .invalidArgument, message: String(decoding: message, as: UTF8.self))
                    }
                    try await writer.write(message)
                }
                return ["echo-end": "1"]
            }
        }
    }
}
