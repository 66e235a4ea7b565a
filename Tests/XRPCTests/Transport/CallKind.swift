import Foundation
import Testing
import GRPCCore
import VoucherdModel
import XRPC

/// The four gRPC call types, each driven through the generated Testing client, so one test body
/// can cover all of them.
enum CallKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case unary = "Echo"
    case clientStreaming = "Collect"
    case serverStreaming = "Expand"
    case bidirectional = "Converse"

    var testDescription: String { self.rawValue }

    /// Makes the call with `request` (sent twice for client-sending streams) and returns every
    /// response message.
    func invoke(
        _ client: Voucherd_V1_Testing.Client<XRPCClientTransport>,
        _ request: Voucherd_V1_EchoRequest,
        options: CallOptions = .defaults
    ) async throws -> [Voucherd_V1_EchoResponse] {
        switch self {
        case .unary:
            return [try await client.echo(request, options: options)]
        case .clientStreaming:
            return [try await client.collect(options: options, requestProducer: { writer in
                try await writer.write(request)
                try await writer.write(request)
            })]
        case .serverStreaming:
            return try await client.expand(request, options: options) { response in
                var messages: [Voucherd_V1_EchoResponse] = []
                for try await message in response.messages { messages.append(message) }
                return messages
            }
        case .bidirectional:
            return try await client.converse(options: options, requestProducer: { writer in
                try await writer.write(request)
                try await writer.write(request)
            }) { response in
                var messages: [Voucherd_V1_EchoResponse] = []
                for try await message in response.messages { messages.append(message) }
                return messages
            }
        }
    }
}

extension Voucherd_V1_EchoRequest {
    static func with(payload: String = "", failCode: UInt32 = 0, failMessage: String = "", delayMillis: UInt32 = 0, repeat count: UInt32 = 0) -> Self {
        var request = Self()
        request.payload = Data(payload.utf8)
        request.failCode = failCode
        request.failMessage = failMessage
        request.delayMillis = delayMillis
        request.repeat = count
        return request
    }
}

/// The RPC error `body` throws, or nil if it succeeds.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(code: .unknown, message: "not an RPCError: \(error)")
    }
}
