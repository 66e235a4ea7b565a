public import Logging

/// The call a task is handling, so every log line written while handling it says which call it
/// belongs to, not just the one summary line the interceptor writes at the end.
///
/// `CallObservabilityInterceptor` binds it; the handlers ``LoggingBootstrap`` installs read it
/// through ``metadataProvider`` (JSON: `method`, `peer`; the trace id is a field of its own) or
/// ``textMetadataProvider`` (also `trace_id`).
public struct CallLogContext: Sendable, Hashable {
    /// The fully qualified method, e.g. "voucherd.v1.Issuance/Claim".
    public var method: String
    /// The caller's address as the transport describes it.
    public var peer: String

    /// Creates a context.
    /// - Parameters:
    ///   - method: the fully qualified method.
    ///   - peer: the caller's address.
    public init(method: String, peer: String) {
        self.method = method
        self.peer = peer
    }

    /// The call the current task is handling.
    @TaskLocal public static var current: CallLogContext?

    /// Adds `method` and `peer` to each line written inside a call.
    public static let metadataProvider = Logger.MetadataProvider {
        guard let call = CallLogContext.current else { return [:] }
        return ["method": "\(call.method)", "peer": "\(call.peer)"]
    }

    /// ``metadataProvider`` plus `trace_id`, for handlers that have no trace field of their own.
    public static let textMetadataProvider = Logger.MetadataProvider {
        var metadata = CallLogContext.metadataProvider.get()
        if let trace = TraceContext.current { metadata["trace_id"] = "\(trace.traceID)" }
        return metadata
    }
}
