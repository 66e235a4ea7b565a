import Foundation
import GRPCCore
import VoucherdModel

/// The voucherd.v1.Testing service cut down to what the benchmark calls: Echo returns the
/// payload, Expand streams `repeat` responses. Nothing else happens in the handlers (no
/// metadata copying, no peer lookup), so what is measured is the transport and GRPCCore.
struct BenchEchoService: Voucherd_V1_Testing.SimpleServiceProtocol {
    func echo(request: Voucherd_V1_EchoRequest, context: ServerContext) async throws -> Voucherd_V1_EchoResponse {
        var response = Voucherd_V1_EchoResponse()
        response.payload = request.payload
        return response
    }

    func expand(
        request: Voucherd_V1_EchoRequest, response: RPCWriter<Voucherd_V1_EchoResponse>, context: ServerContext
    ) async throws {
        // One payload for the whole stream (Data is copy-on-write): the cost measured is
        // sending it, not making it.
        var message = Voucherd_V1_EchoResponse()
        message.payload = request.payload.isEmpty
            ? Data(repeating: 0xA5, count: Int(request.responseSize)) : request.payload
        for index in 0..<max(request.repeat, 1) {
            message.index = index
            try await response.write(message)
        }
    }

    func collect(
        request: RPCAsyncSequence<Voucherd_V1_EchoRequest, any Error>, context: ServerContext
    ) async throws -> Voucherd_V1_EchoResponse {
        throw RPCError(code: .unimplemented, message: "not benchmarked")
    }

    func converse(
        request: RPCAsyncSequence<Voucherd_V1_EchoRequest, any Error>,
        response: RPCWriter<Voucherd_V1_EchoResponse>, context: ServerContext
    ) async throws {
        throw RPCError(code: .unimplemented, message: "not benchmarked")
    }
}
