import VoucherdModel
import Foundation
import GRPCCore
import Testing
@testable import VoucherdRuntime

@Suite struct AuthenticationInterceptorTests {
    let signer = TestSigner(kid: "k1")

    func makeInterceptor() -> AuthenticationInterceptor {
        AuthenticationInterceptor(
            verifier: makeVerifier(source: StaticSigningKeySource([self.signer.published])),
            unauthenticatedMethods: ["Check", "voucherd.v1.Identity/GetSigningKeys"]
        )
    }

    func call(
        _ interceptor: AuthenticationInterceptor,
        metadata: Metadata,
        probe: HandlerProbe,
        context: ServerContext = makeContext()
    ) async throws -> StreamingServerResponse<String> {
        try await interceptor.intercept(request: makeRequest(metadata: metadata), context: context, next: probe.next)
    }

    @Test func validTokenBindsPrincipalForTheHandler() async throws {
        let probe = HandlerProbe()
        let token = try await self.signer.token()
        let response = try await self.call(self.makeInterceptor(), metadata: ["authorization": "Bearer \(token)"], probe: probe)
        #expect(probe.principals == [.sampleMerchantStaff])
        #expect(Principal.current == nil)
        let writer = CollectingWriter()
        _ = try await response.accepted.get().producer(RPCWriter(wrapping: writer))
        #expect(writer.written == ["user-42"])
    }

    @Test func principalIsBoundWhileAStreamingProducerRuns() async throws {
        let token = try await self.signer.token()
        let response: StreamingServerResponse<String> = try await self.makeInterceptor().intercept(
            request: makeRequest(metadata: ["authorization": "bearer \(token)"]),
            context: makeContext()
        ) { _, _ in
            StreamingServerResponse<String> { writer in
                try await writer.write(Principal.current?.subject ?? "anonymous")
                return [:]
            }
        }
        let writer = CollectingWriter()
        let contents = try response.accepted.get()
        _ = try await contents.producer(RPCWriter(wrapping: writer))
        #expect(writer.written == ["user-42"])
    }

    @Test(arguments: [
        ("", "Missing 'authorization'"),
        ("Basic dXNlcjpwYXNz", "must be 'Bearer <token>'"),
        ("Bearer ", "must be 'Bearer <token>'"),
        ("Bearer not.a.token", "malformed"),
    ])
    func badCredentialsAreUnauthenticated(header: String, reason: String) async throws {
        let probe = HandlerProbe()
        let metadata: Metadata = header.isEmpty ? [:] : ["authorization": .string(header)]
        let error = await #expect(throws: RPCError.self) {
            _ = try await self.call(self.makeInterceptor(), metadata: metadata, probe: probe)
        }
        #expect(error?.code == .unauthenticated)
        #expect(error?.message.contains(reason) == true)
        #expect(probe.principals.isEmpty)
    }

    @Test func invalidTokensAreUnauthenticatedWithoutEchoingThem() async throws {
        let probe = HandlerProbe()
        let forged = try await TestSigner(kid: "k1").token()
        let expired = try await self.signer.token(issuedAt: .now.addingTimeInterval(-7200))
        let unknown = try await TestSigner(kid: "k9").token()
        for (token, reason) in [(forged, "signature"), (expired, "expired"), (unknown, "key id 'k9'")] {
            let error = await #expect(throws: RPCError.self) {
                _ = try await self.call(self.makeInterceptor(), metadata: ["authorization": "Bearer \(token)"], probe: probe)
            }
            #expect(error?.code == .unauthenticated)
            #expect(error?.message.contains(reason) == true)
            #expect(error?.message.contains(token) == false)
        }
        #expect(probe.principals.isEmpty)
    }

    @Test func exemptMethodsNeedNoToken() async throws {
        let probe = HandlerProbe()
        let interceptor = self.makeInterceptor()
        _ = try await self.call(interceptor, metadata: [:], probe: probe, context: makeContext(method: "Check", service: "grpc.health.v1.Health"))
        _ = try await self.call(
            interceptor, metadata: [:], probe: probe,
            context: makeContext(method: "GetSigningKeys", service: "voucherd.v1.Identity")
        )
        #expect(probe.principals == [nil, nil])
        await #expect(throws: RPCError.self) {
            _ = try await self.call(
                interceptor, metadata: [:], probe: probe,
                context: makeContext(method: "GetSigningKeys", service: "voucherd.v1.Other")
            )
        }
    }

    @Test func requiredThrowsUnauthenticatedWithoutPrincipal() throws {
        let error = #expect(throws: RPCError.self) { try Principal.required() }
        #expect(error?.code == .unauthenticated)
        let principal = try Principal.$current.withValue(.sampleMerchantStaff) { try Principal.required() }
        #expect(principal == .sampleMerchantStaff)
    }

    @Test(arguments: [
        ("Bearer abc.def", "abc.def"),
        ("bearer abc.def", "abc.def"),
        ("BEARER   abc.def  ", "abc.def"),
        ("Bearer tökén", "tökén"),
    ])
    func bearerTokenIsReadCaseInsensitivelyAndTrimmed(header: String, token: String) throws {
        let metadata: Metadata = ["authorization": .string(header)]
        #expect(try AuthenticationInterceptor.bearerToken(in: metadata) == token)
    }

    @Test(arguments: ["Bearer", "Bearer    ", "Bearerabc", "Basic abc", "Bear abc", "", " Bearer abc"])
    func malformedAuthorizationHeadersAreRefused(header: String) {
        let metadata: Metadata = ["authorization": .string(header)]
        #expect(throws: AuthenticationError.malformedAuthorizationHeader) {
            try AuthenticationInterceptor.bearerToken(in: metadata)
        }
    }

    @Test func oneAuthorizationHeaderIsRequired() {
        #expect(throws: AuthenticationError.missingCredentials) { try AuthenticationInterceptor.bearerToken(in: [:]) }
        var twice: Metadata = ["authorization": "Bearer a"]
        twice.addString("Bearer b", forKey: "authorization")
        #expect(throws: AuthenticationError.malformedAuthorizationHeader) { try AuthenticationInterceptor.bearerToken(in: twice) }
    }
}
