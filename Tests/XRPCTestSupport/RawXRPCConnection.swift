public import NIOCore
public import XRPC
import Foundation
import NIOPosix
public import NIOSSL
import Synchronization
import SwiftProtobuf
import VoucherdModel

/// A client that speaks raw bytes over TLS, so tests can send what no well-behaved client
/// would: bad prefaces, oversized frames, frames for streams never opened.
public struct RawXRPCConnection: Sendable {
    /// TLS options for the raw client, all adjustable to provoke refusals.
    public struct TLSOptions: Sendable {
        public var certificate: String?
        public var key: String?
        public var trustRoots: String
        public var alpn: [String]
        public var maximumVersion: TLSVersion

        /// Creates options; defaults are those of a well-behaved client.
        public init(certificate: String?, key: String?, trustRoots: String, alpn: [String] = ["xrpc/1"], maximumVersion: TLSVersion = .tlsv13) {
            self.certificate = certificate
            self.key = key
            self.trustRoots = trustRoots
            self.alpn = alpn
            self.maximumVersion = maximumVersion
        }
    }

    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let reader: FrameReader
    private let readGate: ReadGate

    /// Connects to 127.0.0.1:`port`, runs `body`, then closes.
    public static func with<Result: Sendable>(
        port: Int,
        tls: TLSOptions,
        _ body: (RawXRPCConnection) async throws -> Result
    ) async throws -> Result {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.maximumTLSVersion = tls.maximumVersion
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = tls.alpn
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(tls.trustRoots.utf8)))
        if let certificate = tls.certificate, let key = tls.key {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificate.utf8)).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem))
        }
        let sslContext = try NIOSSLContext(configuration: configuration)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: "localhost"))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let chunks = ChunkQueue()
            let readGate = ReadGate()
            return try await withThrowingTaskGroup(of: Void.self) { group in
                // One task owns the inbound stream; reads with a timeout wait on the queue, so a
                // timed-out wait never cancels (and so never ends) the stream itself.
                group.addTask {
                    do {
                        for try await chunk in inbound {
                            await readGate.waitWhilePaused()
                            chunks.append(chunk)
                        }
                        chunks.finish(error: nil)
                    } catch {
                        chunks.finish(error: error)
                    }
                }
                let result = try await body(RawXRPCConnection(outbound: outbound, reader: FrameReader(chunks: chunks), readGate: readGate))
                readGate.resume()
                outbound.finish()
                group.cancelAll()
                return result
            }
        }
    }

    /// Stops taking bytes from the socket, as a peer that never reads would: once the channel's
    /// small inbound buffer is full, the server's writes back up into its kernel buffers.
    public func pauseReading() {
        self.readGate.pause()
    }

    /// Takes bytes from the socket again.
    public func resumeReading() {
        self.readGate.resume()
    }

    /// Sends raw bytes.
    public func send(_ bytes: [UInt8]) async throws {
        try await self.outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Sends frames.
    public func send(_ frames: XRPCFrame...) async throws {
        try await self.send(frames)
    }

    /// Sends frames, in one write.
    public func send(_ frames: [XRPCFrame]) async throws {
        var buffer = ByteBuffer()
        for frame in frames { buffer.writeXRPCFrame(frame) }
        try await self.outbound.write(buffer)
    }

    /// Sends the preface and SETTINGS, then reads the server's SETTINGS and ACK, and
    /// acknowledges them: the connection is then ready for streams.
    /// - Parameter settingsPayload: the client's `xrpc.v1.Settings`; every default if not given.
    /// - Returns: the server's SETTINGS payload frame.
    @discardableResult
    public func handshake(settingsPayload: [UInt8] = Self.defaultSettingsPayload) async throws -> XRPCFrame {
        try await self.send(XRPCPreface.bytes)
        try await self.send(XRPCFrame(type: .settings, streamID: 0, payload: ByteBuffer(bytes: settingsPayload)))
        let settings = try await self.expectFrame()
        guard settings.type == .settings, !settings.flags.contains(.ack) else {
            throw RawConnectionError("expected SETTINGS, got \(settings.type)")
        }
        let ack = try await self.expectFrame()
        guard ack.type == .settings, ack.flags.contains(.ack) else {
            throw RawConnectionError("expected SETTINGS ACK, got \(ack.type)")
        }
        try await self.send(XRPCFrame(type: .settings, flags: .ack, streamID: 0))
        return settings
    }

    /// The next frame from the server, or nil once the server has closed the connection.
    /// - Throws: if the connection failed (a TLS alert, for example) or nothing arrived in time.
    public func nextFrame(within timeout: Duration = .seconds(10)) async throws -> XRPCFrame? {
        try await self.reader.next(within: timeout)
    }

    /// The next frame, which must exist.
    public func expectFrame(within timeout: Duration = .seconds(10)) async throws -> XRPCFrame {
        guard let frame = try await self.nextFrame(within: timeout) else {
            throw RawConnectionError("the server closed the connection")
        }
        return frame
    }

    /// Reads until the server closes; returns the frames it sent before closing.
    public func framesUntilClose(within timeout: Duration = .seconds(10)) async throws -> [XRPCFrame] {
        var frames: [XRPCFrame] = []
        while let frame = try await self.nextFrame(within: timeout) { frames.append(frame) }
        return frames
    }

    /// An `xrpc.v1.Settings` payload with every field at its default.
    public static let defaultSettingsPayload: [UInt8] = [0x08, 0x80, 0x80, 0x04, 0x10, 0x80, 0x80, 0x80, 0x02, 0x18, 0x80, 0x80, 0x01, 0x20, 0x64, 0x28, 0x80, 0x80, 0x04]

    /// A HEADERS payload (`xrpc.v1.RequestHeaders`) for `method`.
    public static func requestHeaders(method: String, timeoutMicros: UInt64? = nil, metadata: [(String, String)] = []) -> ByteBuffer {
        var buffer = ByteBuffer()
        func writeString(field: UInt8, _ value: String, into buffer: inout ByteBuffer) {
            buffer.writeInteger(field << 3 | 2)
            buffer.writeVarint(UInt64(value.utf8.count))
            buffer.writeString(value)
        }
        writeString(field: 1, method, into: &buffer)
        if let timeoutMicros {
            buffer.writeInteger(UInt8(2 << 3))
            buffer.writeVarint(timeoutMicros)
        }
        for (key, value) in metadata {
            var entry = ByteBuffer()
            writeString(field: 1, key, into: &entry)
            writeString(field: 2, value, into: &entry)
            buffer.writeInteger(UInt8(3 << 3 | 2))
            buffer.writeVarint(UInt64(entry.readableBytes))
            buffer.writeBuffer(&entry)
        }
        return buffer
    }
}

extension ByteBuffer {
    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            self.writeInteger(UInt8(value & 0x7F | 0x80))
            value >>= 7
        }
        self.writeInteger(UInt8(value))
    }
}

/// What went wrong in a raw-connection test step.
public struct RawConnectionError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Received chunks, waited on with a timeout.
final class ChunkQueue: Sendable {
    enum Event: Sendable {
        case bytes(ByteBuffer)
        case closed
        case failed(String)
    }

    private struct State {
        var events: [Event] = []
        var waiter: CheckedContinuation<Event?, Never>?
    }

    private let state = Mutex(State())

    func append(_ chunk: ByteBuffer) { self.push(.bytes(chunk)) }

    func finish(error: (any Error)?) { self.push(error.map { .failed("\($0)") } ?? .closed) }

    private func push(_ event: Event) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Event?, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.events.append(event)
            return nil
        }
        waiter?.resume(returning: event)
    }

    /// The next event, or nil if the waiting task was cancelled.
    func next() async -> Event? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Event?, Never>) in
                let ready = self.state.withLock { state -> Event?? in
                    if !state.events.isEmpty { return .some(state.events.removeFirst()) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}

/// Turns received chunks into frames.
private actor FrameReader {
    private let chunks: ChunkQueue
    private var buffer = ByteBuffer()
    private var decoder = XRPCFrameDecoder(expectPreface: false, maxFramePayload: Int(UInt32.max), maxHeaderSize: Int(UInt32.max))
    private var closed = false

    init(chunks: ChunkQueue) {
        self.chunks = chunks
    }

    func next(within timeout: Duration) async throws -> XRPCFrame? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let frame = try self.decoder.decode(buffer: &self.buffer) { return frame }
            if self.closed { return nil }
            let chunks = self.chunks
            let event = await withTaskGroup(of: ChunkQueue.Event?.self) { group in
                group.addTask { await chunks.next() }
                group.addTask {
                    try? await Task.sleep(until: deadline)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            switch event {
            case .none:
                throw RawConnectionError("no frame within \(timeout)")
            case .closed:
                self.closed = true
            case .failed(let reason):
                self.closed = true
                throw RawConnectionError("connection failed: \(reason)")
            case .bytes(var bytes):
                self.buffer.writeBuffer(&bytes)
            }
        }
    }
}

/// Holds the raw client's reading task while the test plays a peer that does not read.
final class ReadGate: Sendable {
    private struct State {
        var paused = false
        var cancelled = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func pause() { self.state.withLock { $0.paused = true } }

    func resume() { self.release(cancelling: false) }

    private func release(cancelling: Bool) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.paused = false
            if cancelling { state.cancelled = true }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func waitWhilePaused() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let go = self.state.withLock { state -> Bool in
                    if !state.paused || state.cancelled { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if go { continuation.resume() }
            }
        } onCancel: {
            self.release(cancelling: true)
        }
    }
}
