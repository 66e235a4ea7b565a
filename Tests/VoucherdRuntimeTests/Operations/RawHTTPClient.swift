import Foundation
import NIOCore
import NIOPosix

/// Sends one HTTP/1.1 request over plain loopback TCP and returns the status code and body.
enum RawHTTPClient {
    struct Response {
        var status: Int
        var headers: String
        var body: String
    }

    static func get(_ path: String, port: Int, method: String = "GET") async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singletonMultiThreadedEventLoopGroup)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let raw = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "\(method) \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
            var received = ByteBuffer()
            for try await var chunk in inbound { received.writeBuffer(&chunk) }
            return String(buffer: received)
        }
        guard let split = raw.range(of: "\r\n\r\n") else { throw HTTPParseError(raw: raw) }
        let head = String(raw[..<split.lowerBound])
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw HTTPParseError(raw: raw) }
        return Response(status: status, headers: head, body: String(raw[split.upperBound...]))
    }

    struct HTTPParseError: Error {
        var raw: String
    }
}
