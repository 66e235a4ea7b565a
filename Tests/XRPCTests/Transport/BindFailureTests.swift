import GRPCCore
import Testing
import XRPC
import XRPCTestSupport

@Suite("A port already in use")
struct BindFailureTests {
    @Test("listen and listeningAddress both fail with the address that was taken")
    func bothReportTheAddress() async throws {
        let pki = try TestPKI.make()
        try await TestHarness.withServer(pki: pki) { endpoint in
            let second = try XRPCServerTransport(host: "127.0.0.1", port: endpoint.port, tls: pki.serverTLS)
            let expected = "cannot listen on 127.0.0.1:\(endpoint.port)"
            // Whoever awaits the address learns of the failure with the same error as the
            // listener: an operator reads the address whichever reports first.
            async let address = Self.failure { _ = try await second.listeningAddress }
            let listened = await Self.failure { try await second.listen { _, _ in } }
            for failure in [listened, await address] {
                guard let error = failure else {
                    Issue.record("the second server bound a port in use")
                    continue
                }
                #expect((error as? RPCError)?.code == .unavailable)
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }

    private static func failure(_ body: () async throws -> Void) async -> (any Error)? {
        do {
            try await body()
            return nil
        } catch {
            return error
        }
    }
}
