public import VoucherdModel
public import GRPCCore

/// Authenticates each call by its `authorization: Bearer <jwt>` metadata and runs the rest of
/// the call (including a streaming response's producer) with ``Principal/current`` bound.
///
/// Install it before interceptors that read ``Principal/current``, such as
/// ``RateLimitInterceptor``: the first interceptor in a server's list runs outermost.
public struct AuthenticationInterceptor: ServerInterceptor {
    /// Verifies the tokens.
    public let verifier: AccessTokenVerifier
    /// Methods callable without a token, as bare method names (`"Check"`) or fully qualified
    /// (`"voucherd.v1.Identity/GetSigningKeys"`).
    public let unauthenticatedMethods: Set<String>

    /// Creates the interceptor.
    /// - Parameters:
    ///   - verifier: verifies access tokens.
    ///   - unauthenticatedMethods: methods that need no token.
    public init(verifier: AccessTokenVerifier, unauthenticatedMethods: Set<String> = []) {
        self.verifier = verifier
        self.unauthenticatedMethods = unauthenticatedMethods
    }

    /// Authenticates the call, then runs `next` with the principal bound.
    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (
            _ request: StreamingServerRequest<Input>,
            _ context: ServerContext
        ) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        if context.descriptor.matches(any: self.unauthenticatedMethods) {
            return try await next(request, context)
        }
        let principal = try await self.authenticate(request.metadata)
        var response = try await Principal.$current.withValue(principal) {
            try await next(request, context)
        }
        // Streaming handlers do their work in the producer, after `next` returns.
        if case .success(var contents) = response.accepted {
            let producer = contents.producer
            contents.producer = { writer in
                try await Principal.$current.withValue(principal) { try await producer(writer) }
            }
            response.accepted = .success(contents)
        }
        return response
    }

    /// Verifies the bearer token in a call's metadata.
    /// - Parameter metadata: the request metadata.
    /// - Returns: the principal the token acts for.
    /// - Throws: `RPCError` with code `.unauthenticated` saying what was wrong (or
    ///   `.unavailable` when the signing keys cannot be fetched).
    public func authenticate(_ metadata: Metadata) async throws(RPCError) -> Principal {
        do {
            let token = try Self.bearerToken(in: metadata)
            return try await self.verifier.verify(token)
        } catch .keySourceUnavailable {
            throw RPCError(code: .unavailable, message: AuthenticationError.keySourceUnavailable.description)
        } catch {
            throw RPCError(code: .unauthenticated, message: error.description)
        }
    }

    /// Extracts the token from `authorization: Bearer <token>`.
    static func bearerToken(in metadata: Metadata) throws(AuthenticationError) -> String {
        var values = metadata[stringValues: "authorization"].makeIterator()
        guard let value = values.next() else { throw .missingCredentials }
        guard values.next() == nil else { throw .malformedAuthorizationHeader }
        // Every call passes through here, and a token is ~700 bytes: work on the UTF-8 view.
        // Character-wise trimming (reversed twice) cost a fifth of issuance's CPU in a flash sale.
        let utf8 = value.utf8
        let scheme = "bearer ".utf8
        var index = utf8.startIndex
        for expected in scheme {
            guard index != utf8.endIndex else { throw .malformedAuthorizationHeader }
            let byte = utf8[index]
            let lowered = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            guard lowered == expected else { throw .malformedAuthorizationHeader }
            index = utf8.index(after: index)
        }
        let space = UInt8(ascii: " ")
        while index != utf8.endIndex, utf8[index] == space { index = utf8.index(after: index) }
        var end = utf8.endIndex
        while end != index, utf8[utf8.index(before: end)] == space { end = utf8.index(before: end) }
        guard index != end else { throw .malformedAuthorizationHeader }
        return String(value[index..<end])
    }
}

extension MethodDescriptor {
    /// Whether this method is named in `names`, by bare or fully qualified name.
    func matches(any names: Set<String>) -> Bool {
        !names.isEmpty && (names.contains(self.method) || names.contains(self.fullyQualifiedMethod))
    }
}
