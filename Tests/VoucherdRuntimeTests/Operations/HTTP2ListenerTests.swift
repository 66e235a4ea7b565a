import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle
import Testing
import VoucherdModel
import VoucherdRuntime
import XRPCTestSupport

@Suite("Optional standard gRPC (HTTP/2) listener", .timeLimit(.minutes(2)))
struct HTTP2ListenerTests {
    /// Writes the PKI's server identity and CA to a fresh temporary directory.
    static func writePEMs(_ pki: TestPKI) throws -> (directory: URL, listener: HTTP2Listener) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("http2-listener-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("server.pem")
        let key = directory.appendingPathComponent("server-key.pem")
        let ca = directory.appendingPathComponent("ca.pem")
        try pki.server.certificate.write(to: certificate, atomically: true, encoding: .utf8)
        try pki.server.key.write(to: key, atomically: true, encoding: .utf8)
        try pki.caPEM.write(to: ca, atomically: true, encoding: .utf8)
        let listener = HTTP2Listener(
            enabled: true,
            host: "127.0.0.1",
            port: 0,
            certificatePath: certificate.path,
            privateKeyPath: key.path,
            trustRootsPath: ca.path
        )
        return (directory, listener)
    }

    static func clientSecurity(_ pki: TestPKI, identity: (certificate: String, key: String)?) -> HTTP2ClientTransport.Posix.TransportSecurity {
        .tls(.defaults { config in
            if let identity {
                config.certificateChain = [.bytes(Array(identity.certificate.utf8), format: .pem)]
                config.privateKey = .bytes(Array(identity.key.utf8), format: .pem)
            }
            config.trustRoots = .certificates([.bytes(Array(pki.caPEM.utf8), format: .pem)])
            config.serverCertificateVerification = .fullVerification
        })
    }

    static func echo(
        port: Int,
        security: HTTP2ClientTransport.Posix.TransportSecurity,
        payload: String
    ) async throws -> Voucherd_V1_EchoResponse {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: security,
            config: .defaults { $0.http2.authority = "localhost" }
        )
        return try await withGRPCClient(transport: transport) { client in
            var request = Voucherd_V1_EchoRequest()
            request.payload = Data(payload.utf8)
            var options = CallOptions.defaults
            options.timeout = .seconds(10)
            options.waitForReady = false
            return try await Voucherd_V1_Testing.Client(wrapping: client).echo(request, options: options)
        }
    }

    @Test("the listener is off by default and requires client certificates by default")
    func defaults() {
        let listener = HTTP2Listener()
        #expect(listener.enabled == false)
        #expect(listener.requireClientCertificate == true)
    }

    @Test("requiring client certificates without trust roots is a configuration error")
    func missingTrustRoots() {
        let listener = HTTP2Listener(enabled: true, certificatePath: "/c.pem", privateKeyPath: "/k.pem")
        #expect(throws: HTTP2Listener.ConfigurationError.missingTrustRoots) {
            _ = try listener.makeTransport()
        }
        #expect(throws: HTTP2Listener.ConfigurationError.missingServerIdentity) {
            _ = try HTTP2Listener(enabled: true).makeTransport()
        }
    }

    @Test("a stock gRPC client calls Echo over mTLS; graceful shutdown ends the group's run")
    func echoOverMTLS() async throws {
        let pki = try TestPKI.make()
        let (directory, listener) = try Self.writePEMs(pki)
        defer { try? FileManager.default.removeItem(at: directory) }
        let readiness = Readiness(ready: true)
        let service = try HTTP2ListenerService(listener: listener, services: [TestingService()], readiness: readiness)
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await service.port
            #expect(port > 0)
            let response = try await Self.echo(
                port: port,
                security: Self.clientSecurity(pki, identity: pki.client),
                payload: "over h2"
            )
            #expect(response.payload == Data("over h2".utf8))
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
        #expect(!readiness.isReady)
    }

    @Test("with mTLS required, a client without a certificate is refused")
    func refusesAnonymousClient() async throws {
        let pki = try TestPKI.make()
        let (directory, listener) = try Self.writePEMs(pki)
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = try HTTP2ListenerService(listener: listener, services: [TestingService()])
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await service.port
            await #expect(throws: RPCError.self) {
                _ = try await Self.echo(port: port, security: Self.clientSecurity(pki, identity: nil), payload: "nope")
            }
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
    }
}
