public import GRPCCore
public import VoucherdModel
public import XRPC
import NIOCore

/// Runs servers and clients over real loopback TLS for the duration of a test body, and stops
/// them gracefully afterwards.
public enum TestHarness {
    /// Starts an XRPC server on 127.0.0.1 with a free port, runs `body`, then shuts the server
    /// down gracefully.
    /// - Parameters:
    ///   - pki: the certificates.
    ///   - services: what to serve; defaults to one `TestingService`.
    ///   - config: the server transport's configuration.
    ///   - body: gets the server's endpoint.
    public static func withServer<Result: Sendable>(
        pki: TestPKI,
        services: [any RegistrableRPCService]? = nil,
        config: XRPCServerTransport.Config = .defaults,
        _ body: (XRPCEndpoint) async throws -> Result
    ) async throws -> Result {
        let transport = try XRPCServerTransport(host: "127.0.0.1", port: 0, tls: pki.serverTLS, config: config)
        return try await withGRPCServer(transport: transport, services: services ?? [TestingService()]) { _ in
            let address = try await transport.listeningAddress
            return try await body(XRPCEndpoint(host: "127.0.0.1", port: address.port ?? 0))
        }
    }

    /// Runs `body` with a Testing client connected over XRPC to `endpoints`.
    public static func withClient<Result: Sendable>(
        endpoints: [XRPCEndpoint],
        tls: XRPCClientTLS,
        config: XRPCClientTransport.Config = .defaults,
        _ body: (Voucherd_V1_Testing.Client<XRPCClientTransport>) async throws -> Result
    ) async throws -> Result {
        let transport = try XRPCClientTransport(endpoints: endpoints, tls: tls, config: config)
        return try await withGRPCClient(transport: transport) { client in
            try await body(Voucherd_V1_Testing.Client(wrapping: client))
        }
    }
}
