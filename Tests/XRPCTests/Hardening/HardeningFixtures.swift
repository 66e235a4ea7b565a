import Foundation
import GRPCCore
import NIOCore
import Testing
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

/// Shared steps of the bad-peer tests: short timeouts, frame parsing, and a well-behaved client
/// that must keep being served while a bad peer misbehaves.
enum HardeningFixtures {
    /// The server configuration with its connection policy edited; keepalive is off unless the
    /// test turns it on, so that raw clients see only the frames they provoke.
    static func config(_ edit: (inout XRPCConnectionPolicy) -> Void = { _ in }) -> XRPCServerTransport.Config {
        var config = XRPCServerTransport.Config.defaults
        config.connection.keepaliveInterval = nil
        edit(&config.connection)
        return config
    }

    static func options(_ pki: TestPKI) -> RawXRPCConnection.TLSOptions {
        RawXRPCConnection.TLSOptions(certificate: pki.client.certificate, key: pki.client.key, trustRoots: pki.caPEM)
    }

    static func headers(_ id: UInt32, method: String = RawProtocolTests.echo, timeoutMicros: UInt64? = nil) -> XRPCFrame {
        XRPCFrame(type: .headers, streamID: id, payload: RawXRPCConnection.requestHeaders(method: method, timeoutMicros: timeoutMicros))
    }

    static func request(_ id: UInt32, _ request: Voucherd_V1_EchoRequest, endStream: Bool = true) throws -> XRPCFrame {
        XRPCFrame(type: .message, flags: endStream ? .endStream : [], streamID: id, payload: try RawProtocolTests.echoMessage(request))
    }

    static func code(of frame: XRPCFrame) -> XRPCErrorCode? {
        frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self).map(XRPCErrorCode.init(rawValue:))
    }

    /// Runs `body` (the bad peer) while a well-behaved client holds its own connection, and checks
    /// that client was served before and after, on the same connection.
    static func whileServingAnother<Result: Sendable>(
        endpoint: XRPCEndpoint,
        pki: TestPKI,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await TestHarness.withClient(endpoints: [endpoint], tls: pki.clientTLS()) { client in
            let before = try await client.echo(.with(payload: "before"))
            let result = try await body()
            let after = try await client.echo(.with(payload: "after"))
            #expect(after.payload == Data("after".utf8))
            #expect(after.remotePeer == before.remotePeer, "the well-behaved client's connection survived")
            return result
        }
    }
}
