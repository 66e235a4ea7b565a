import GRPCCore
import NIOCore
import SwiftProtobuf
import XRPC

/// A unary call made on the transport directly, without GRPCCore's client executor.
///
/// Why: the load generator shares two cores with the service it measures, so every microsecond
/// it spends per call is taken from the service. GRPCCore's executor runs each unary call as a
/// task group with a child task writing the request (plus interceptors, retry bookkeeping and a
/// deadline task when one is set); for the timed phase of a scenario that is most of the load
/// generator's CPU. This writes metadata, message and end of stream in line and reads the
/// answer, which is what any lean gateway client does. Setup and verification keep using the
/// generated stubs. No retries: a failed call is reported as it failed.
enum RawUnary {
    /// Calls `method` with `request` and decodes the response.
    /// - Throws: `RPCError` with the server's status when it is not OK (its metadata carries the
    ///   trailers), or when the response is missing or undecodable.
    static func call<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ transport: XRPCClientTransport, method: MethodDescriptor, request: Request, metadata: Metadata,
        as: Response.Type = Response.self
    ) async throws -> Response {
        let bytes: [UInt8] = try request.serializedBytes()
        let answer = try await transport.withStream(descriptor: method, options: .defaults) { stream, _ in
            try await stream.outbound.write(.metadata(metadata))
            try await stream.outbound.write(.message(XRPCBytes(bytes)))
            await stream.outbound.finish()
            var message: XRPCBytes?
            for try await part in stream.inbound {
                switch part {
                case .metadata:
                    continue
                case .message(let received):
                    message = received
                case .status(let status, let trailers):
                    guard status.code == .ok else {
                        throw RPCError(code: RPCError.Code(status.code) ?? .unknown, message: status.message, metadata: trailers)
                    }
                    guard let message else { throw RPCError(code: .internalError, message: "OK status without a response message") }
                    return message
                }
            }
            throw RPCError(code: .internalError, message: "the response ended without a status")
        }
        return try Response(serializedBytes: Array(buffer: answer.buffer))
    }
}
