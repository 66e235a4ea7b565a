import GRPCCore
import SwiftProtobuf
import Testing
import VoucherdModel
import VoucherdRuntime
import XRPC
import XRPCTestSupport

@Suite("gRPC health service over XRPC", .timeLimit(.minutes(2)))
struct HealthServiceTests {
    @Test("Check reports set statuses, NOT_FOUND for unknown services; Watch streams changes")
    func checkAndWatch() async throws {
        let pki = try TestPKI.make()
        let health = HealthService()
        try await TestHarness.withServer(pki: pki, services: [health, TestingService()]) { endpoint in
            let transport = try XRPCClientTransport(endpoints: [endpoint], tls: pki.clientTLS())
            try await withGRPCClient(transport: transport) { grpc in
                let client = Grpc_Health_V1_Health.Client(wrapping: grpc)
                #expect(try await client.check(.with { $0.service = "" }).status == .notServing)
                health.setStatus(.serving)
                health.setStatus(.serving, forService: "voucherd.v1.Testing")
                #expect(try await client.check(.with { $0.service = "" }).status == .serving)
                #expect(try await client.check(.with { $0.service = "voucherd.v1.Testing" }).status == .serving)
                await #expect(throws: RPCError.self) {
                    _ = try await client.check(.with { $0.service = "voucherd.v1.Nope" })
                }
                do {
                    _ = try await client.check(.with { $0.service = "voucherd.v1.Nope" })
                } catch let error as RPCError {
                    #expect(error.code == .notFound)
                }

                let seen = try await client.watch(.with { $0.service = "" }) { response in
                    var statuses: [HealthService.Status] = []
                    for try await message in response.messages {
                        statuses.append(message.status)
                        if statuses.count == 1 { health.setStatus(.notServing) }
                        if statuses.count == 2 { break }
                    }
                    return statuses
                }
                #expect(seen == [.serving, .notServing])
            }
        }
    }
}
