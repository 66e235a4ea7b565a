import Foundation
import GRPCCore
import Testing
import VoucherdModel
import XRPC
import XRPCTestSupport

@testable import voucherd_load

/// The load generator's hot-path caller, against a real XRPC server over loopback TLS.
struct RawUnaryTests {
    private func withTransport(_ body: (XRPCClientTransport) async throws -> Void) async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            let transport = try XRPCClientTransport(endpoints: [endpoint], tls: pki.clientTLS())
            try await withGRPCClient(transport: transport) { _ in try await body(transport) }
        }
    }

    @Test func answersWithTheDecodedResponseAndSendsTheMetadata() async throws {
        try await self.withTransport { transport in
            var request = Voucherd_V1_EchoRequest()
            request.payload = Data("hello".utf8)
            let response = try await RawUnary.call(
                transport, method: Voucherd_V1_Testing.Method.Echo.descriptor, request: request,
                metadata: ["authorization": "Bearer t0k3n"], as: Voucherd_V1_EchoResponse.self)
            #expect(response.payload == Data("hello".utf8))
            #expect(response.metadata.contains("authorization=Bearer t0k3n"))
        }
    }

    @Test func throwsTheServersStatus() async throws {
        try await self.withTransport { transport in
            var request = Voucherd_V1_EchoRequest()
            request.failCode = UInt32(Status.Code.resourceExhausted.rawValue)
            request.failMessage = "sold out"
            await #expect {
                try await RawUnary.call(
                    transport, method: Voucherd_V1_Testing.Method.Echo.descriptor, request: request, metadata: [:],
                    as: Voucherd_V1_EchoResponse.self)
            } throws: { error in
                let error = error as? RPCError
                return error?.code == .resourceExhausted && error?.message == "sold out"
            }
        }
    }

    @Test func anUnknownMethodIsUnimplemented() async throws {
        try await self.withTransport { transport in
            await #expect {
                try await RawUnary.call(
                    transport, method: MethodDescriptor(fullyQualifiedService: "voucherd.v1.Nobody", method: "Nothing"),
                    request: Voucherd_V1_EchoRequest(), metadata: [:], as: Voucherd_V1_EchoResponse.self)
            } throws: { error in
                (error as? RPCError)?.code == .unimplemented
            }
        }
    }
}
