public import GRPCCore

/// Continues the current trace on outgoing calls: when ``TraceContext/current`` is set (inside a
/// call served behind ``CallObservabilityInterceptor``) it sets the request's `traceparent` to the
/// same trace id with a new span id. Outside any trace it leaves the request alone.
public struct TraceClientInterceptor: ClientInterceptor {
    /// Creates the interceptor.
    public init() {}

    /// Adds `traceparent`, then runs `next`.
    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (
            _ request: StreamingClientRequest<Input>,
            _ context: ClientContext
        ) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        guard let trace = TraceContext.current else { return try await next(request, context) }
        var request = request
        request.metadata.removeAllValues(forKey: TraceContext.metadataKey)
        request.metadata.addString(trace.childSpan().traceparent, forKey: TraceContext.metadataKey)
        return try await next(request, context)
    }
}
