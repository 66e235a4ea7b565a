import Foundation
import GRPCCore
import NIOCore
import NIOPosix
import NIOSSL
import SwiftProtobuf
import Synchronization
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

/// A server on real loopback TLS whose every frame is written by the test, so it can refuse
/// streams, send GOAWAYs with chosen last ids, or drop a connection at an exact moment.
enum ScriptedXRPCServer {
    /// Listens on 127.0.0.1 port 0; each accepted connection (numbered from 0) is handed to
    /// `script` after the SETTINGS exchange. Runs `body` with the endpoint, then stops.
    static func with<Result: Sendable>(
        pki: TestPKI,
        maxConcurrentStreams: Int = 100,
        script: @escaping @Sendable (Int, ScriptedConnection) async throws -> Void,
        _ body: (XRPCEndpoint) async throws -> Result
    ) async throws -> Result {
        let sslContext = try pki.serverTLS.makeContext()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLServerHandler(context: sslContext))
                    try sync.addHandler(ByteToMessageHandler(XRPCFrameDecoder(expectPreface: true, maxFramePayload: 1 << 20, maxHeaderSize: 1 << 16)))
                    return try NIOAsyncChannel<XRPCFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress?.port ?? 0
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { connectionGroup in
                        // Connections are numbered in accept order.
                        var accepted = 0
                        for try await connection in connections {
                            let index = accepted
                            accepted += 1
                            connectionGroup.addTask {
                                try? await connection.executeThenClose { inbound, outbound in
                                    let scripted = ScriptedConnection(inbound: inbound, outbound: outbound)
                                    try await scripted.handshake(maxConcurrentStreams: maxConcurrentStreams)
                                    try await script(index, scripted)
                                }
                            }
                        }
                    }
                }
            }
            let result = try await body(XRPCEndpoint(host: "127.0.0.1", port: port))
            group.cancelAll()
            return result
        }
    }
}

/// One accepted connection of a `ScriptedXRPCServer`, used by the one task running its script.
final class ScriptedConnection {
    private var inbound: NIOAsyncChannelInboundStream<XRPCFrame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Frames read ahead while looking for another stream's, in arrival order.
    private var stash: [XRPCFrame] = []

    init(inbound: NIOAsyncChannelInboundStream<XRPCFrame>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    func handshake(maxConcurrentStreams: Int) async throws {
        guard let settings = try await self.next(), settings.type == .settings else {
            throw ScriptError("expected the client's SETTINGS")
        }
        var mine = XRPCSettings.defaults
        mine.maxConcurrentStreams = maxConcurrentStreams
        try await self.send(
            XRPCFrame(type: .settings, streamID: 0, payload: try mine.encoded()),
            XRPCFrame(type: .settings, flags: .ack, streamID: 0)
        )
    }

    /// The next frame that is not a SETTINGS ACK or PING; nil once the client has closed.
    func next() async throws -> XRPCFrame? {
        if !self.stash.isEmpty { return self.stash.removeFirst() }
        while let frame = try await self.inbound.next() {
            if frame.type == .settings, frame.flags.contains(.ack) { continue }
            if frame.type == .ping { continue }
            return frame
        }
        return nil
    }

    /// Reads until a HEADERS frame: a new call. Returns its stream id.
    func nextCall() async throws -> UInt32 {
        while let frame = try await self.next() {
            if frame.type == .headers { return frame.streamID }
        }
        throw ScriptError("the client closed the connection before the next call")
    }

    /// Reads the rest of a call's request up to its half-close; returns its message.
    func request(of streamID: UInt32) async throws -> Voucherd_V1_EchoRequest {
        var message = Voucherd_V1_EchoRequest()
        var skipped: [XRPCFrame] = []
        defer { self.stash = skipped + self.stash }
        while let frame = try await self.next() {
            guard frame.streamID == streamID else {
                skipped.append(frame)
                continue
            }
            if frame.type == .message {
                message = try Voucherd_V1_EchoRequest(serializedBytes: Array(frame.payload.readableBytesView))
            }
            if frame.flags.contains(.endStream) { return message }
        }
        throw ScriptError("the client closed the connection in the middle of a call")
    }

    func send(_ frames: XRPCFrame...) async throws {
        var buffer = ByteBuffer()
        for frame in frames { buffer.writeXRPCFrame(frame) }
        try await self.outbound.write(buffer)
    }

    /// Answers an Echo call with its own payload and OK.
    func answer(_ streamID: UInt32, payload: Data) async throws {
        var response = Voucherd_V1_EchoResponse()
        response.payload = payload
        let trailers = Xrpc_V1_Trailers()
        try await self.send(
            XRPCFrame(type: .headers, streamID: streamID, payload: try Self.encode(Xrpc_V1_ResponseHeaders())),
            XRPCFrame(type: .message, streamID: streamID, payload: try Self.encode(response)),
            XRPCFrame(type: .trailers, flags: .endStream, streamID: streamID, payload: try Self.encode(trailers))
        )
    }

    func reset(_ streamID: UInt32, code: XRPCErrorCode) async throws {
        var payload = ByteBuffer()
        payload.writeInteger(code.rawValue)
        try await self.send(XRPCFrame(type: .rst, streamID: streamID, payload: payload))
    }

    func goAway(lastStreamID: UInt32, code: XRPCErrorCode = .noError) async throws {
        var payload = ByteBuffer()
        payload.writeInteger(lastStreamID)
        payload.writeInteger(code.rawValue)
        payload.writeString("scripted")
        try await self.send(XRPCFrame(type: .goaway, streamID: 0, payload: payload))
    }

    /// Sends a PING and reads until its ACK: the client has then handled every frame sent
    /// before it (it reads in order).
    func pingRoundTrip() async throws {
        try await self.send(XRPCFrame(type: .ping, streamID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])))
        while let frame = try await self.inbound.next() {
            if frame.type == .ping, frame.flags.contains(.ack) { return }
            if frame.type == .settings, frame.flags.contains(.ack) { continue }
            self.stash.append(frame)
        }
        throw ScriptError("the client closed the connection before answering the PING")
    }

    /// Waits until the client closes the connection, ignoring what it sends.
    func waitForClose() async throws {
        while try await self.next() != nil {}
    }

    private static func encode(_ message: some SwiftProtobuf.Message) throws -> ByteBuffer {
        ByteBuffer(bytes: try message.serializedBytes() as [UInt8])
    }
}

struct ScriptError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
