public import GRPCCore
public import Logging
public import Metrics
import Synchronization

/// Observes every served call: continues the caller's W3C trace (`traceparent` metadata; a new
/// trace when it is absent or malformed), binds ``TraceContext/current`` for the handler
/// (including a streaming response's producer), logs one line when the call ends (method, peer,
/// trace id, status, duration) and records
/// `voucherd_rpc_requests_total{method,code}` and `voucherd_rpc_duration_seconds{method}`.
///
/// Labels are bounded: `method` is the fully qualified name of a registered method and `code`
/// one of the gRPC status names. Install it first so it sees every other interceptor's outcome.
public struct CallObservabilityInterceptor: ServerInterceptor {
    /// The counter's name.
    public static let requestsMetric = "voucherd_rpc_requests_total"
    /// The timer's name.
    public static let durationMetric = "voucherd_rpc_duration_seconds"

    private let logger: Logger
    private let metrics: CallMetrics

    /// Creates the interceptor.
    /// - Parameters:
    ///   - logger: where the per-call lines go.
    ///   - metricsFactory: the metrics backend; nil uses the bootstrapped `MetricsSystem.factory`.
    public init(logger: Logger = Logger(label: "voucherd.rpc"), metricsFactory: (any MetricsFactory)? = nil) {
        self.logger = logger
        self.metrics = CallMetrics(factory: metricsFactory)
    }

    /// Runs `next` with ``TraceContext/current`` bound, then logs and records the outcome.
    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (
            _ request: StreamingServerRequest<Input>,
            _ context: ServerContext
        ) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let incoming = request.metadata[stringValues: TraceContext.metadataKey].first(where: { _ in true })
        let trace = incoming.flatMap { TraceContext(traceparent: $0) }?.childSpan() ?? TraceContext.newTrace()
        let outcome = CallOutcome(
            method: context.descriptor.fullyQualifiedMethod, peer: context.remotePeer, trace: trace,
            logger: self.logger, metrics: self.metrics
        )
        let call = CallLogContext(method: outcome.method, peer: outcome.peer)
        var response: StreamingServerResponse<Output>
        do {
            response = try await TraceContext.$current.withValue(trace) {
                try await CallLogContext.$current.withValue(call) { try await next(request, context) }
            }
        } catch {
            outcome.finish(error: error)
            throw error
        }
        switch response.accepted {
        case .failure(let error):
            outcome.finish(error: error)
        case .success(var contents):
            let producer = contents.producer
            contents.producer = { writer in
                do {
                    let trailers = try await TraceContext.$current.withValue(trace) {
                        try await CallLogContext.$current.withValue(call) { try await producer(writer) }
                    }
                    outcome.finish(error: nil)
                    return trailers
                } catch {
                    outcome.finish(error: error)
                    throw error
                }
            }
            response.accepted = .success(contents)
        }
        return response
    }
}

/// One call's start and identity; ``finish(error:)`` logs and records it.
private struct CallOutcome: Sendable {
    let method: String
    let peer: String
    let trace: TraceContext
    let logger: Logger
    let metrics: CallMetrics
    let start = ContinuousClock.now

    func finish(error: (any Error)?) {
        let elapsed = ContinuousClock.now - self.start
        let code: String
        switch error {
        case nil: code = "ok"
        case let error as RPCError: code = Self.codeNames[error.code] ?? String(describing: error.code)
        case is CancellationError: code = "cancelled"
        default: code = "unknown"
        }
        let components = elapsed.components
        let nanoseconds = components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
        let handles = self.metrics.handles(method: self.method, code: code)
        handles.requests.increment()
        handles.duration.recordNanoseconds(nanoseconds)
        // A refusal the caller caused (a sold-out flash sale answers thousands of
        // RESOURCE_EXHAUSTED a second) is an outcome, not an operational problem: info, like
        // success. Warnings are for what an operator should look at.
        let level: Logger.Level = Self.isServerFault(error) ? .warning : .info
        self.logger.log(level: level, "rpc finished", metadata: [
            "method": "\(self.method)",
            "peer": "\(self.peer)",
            "trace_id": "\(self.trace.traceID)",
            "code": "\(code)",
            "duration_ms": "\(Double(nanoseconds) / 1_000_000)",
        ])
    }

    /// Each status code's label, made once: `RPCError.Code` describes itself by reflecting on an
    /// enum, a microsecond per call at flash-sale rates. The values are that description.
    private static let codeNames: [RPCError.Code: String] = {
        let codes: [RPCError.Code] = [
            .cancelled, .unknown, .invalidArgument, .deadlineExceeded, .notFound, .alreadyExists, .permissionDenied,
            .resourceExhausted, .failedPrecondition, .aborted, .outOfRange, .unimplemented, .internalError, .unavailable,
            .dataLoss, .unauthenticated,
        ]
        return Dictionary(uniqueKeysWithValues: codes.map { ($0, String(describing: $0)) })
    }()

    /// Whether a call's outcome points at the server or its dependencies rather than the caller.
    static func isServerFault(_ error: (any Error)?) -> Bool {
        guard let error, !(error is CancellationError) else { return false }
        guard let rpcError = error as? RPCError else { return true }
        switch rpcError.code {
        case .internalError, .unknown, .unavailable, .dataLoss, .deadlineExceeded, .unimplemented, .aborted: return true
        default: return false
        }
    }
}

/// The counter and timer of each (method, code) pair, made once. Making them per call asked the
/// metrics factory (a lock and a lookup keyed by label and dimensions) twice per call, which
/// showed up at flash-sale rates. The pairs are bounded: registered methods times status codes.
private final class CallMetrics: Sendable {
    struct Handles: Sendable {
        let requests: Counter
        let duration: Timer
    }

    private struct Key: Hashable {
        let method: String
        let code: String
    }

    private let factory: (any MetricsFactory)?
    private let made = Mutex<[Key: Handles]>([:])

    init(factory: (any MetricsFactory)?) {
        self.factory = factory
    }

    func handles(method: String, code: String) -> Handles {
        let key = Key(method: method, code: code)
        if let handles = self.made.withLock({ $0[key] }) { return handles }
        let factory = self.factory ?? MetricsSystem.factory
        let dimensions = [("method", method), ("code", code)]
        let handles = Handles(
            requests: Counter(label: CallObservabilityInterceptor.requestsMetric, dimensions: dimensions, factory: factory),
            duration: Timer(label: CallObservabilityInterceptor.durationMetric, dimensions: dimensions, factory: factory))
        return self.made.withLock { made in
            if let existing = made[key] { return existing }
            made[key] = handles
            return handles
        }
    }
}
