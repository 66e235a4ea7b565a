public import GRPCCore
public import VoucherdModel
import Synchronization

/// The gRPC health service (`grpc.health.v1.Health`), served over XRPC by every service.
///
/// The executable sets statuses as it starts and stops: the server as a whole under "", each
/// service under its fully qualified name. `Watch` streams the current status and every change.
public final class HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol, Sendable {
    /// A serving status.
    public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    private struct Watcher {
        var service: String
        var continuation: AsyncStream<Status>.Continuation
    }

    private struct State {
        var statuses: [String: Status] = [:]
        var watchers: [Int: Watcher] = [:]
        var nextWatcherID = 0
    }

    private let state = Mutex(State())

    /// Creates the service with the server as a whole marked `initial`.
    /// - Parameter initial: the status of "" until changed.
    public init(initial: Status = .notServing) {
        self.state.withLock { $0.statuses[""] = initial }
    }

    /// Sets the status of `service` ("" for the whole server) and tells its watchers.
    /// - Parameters:
    ///   - status: the new status.
    ///   - service: a fully qualified service name, or "".
    public func setStatus(_ status: Status, forService service: String = "") {
        let continuations = self.state.withLock { state -> [AsyncStream<Status>.Continuation] in
            guard state.statuses[service] != status else { return [] }
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.continuation)
        }
        for continuation in continuations { continuation.yield(status) }
    }

    /// The status of `service`, or nil if it was never set.
    public func status(forService service: String = "") -> Status? {
        self.state.withLock { $0.statuses[service] }
    }

    public func check(
        request: Grpc_Health_V1_HealthCheckRequest,
        context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard let status = self.status(forService: request.service) else {
            throw RPCError(code: .notFound, message: "no health status for service \"\(request.service)\"")
        }
        var response = Grpc_Health_V1_HealthCheckResponse()
        response.status = status
        return response
    }

    public func watch(
        request: Grpc_Health_V1_HealthCheckRequest,
        response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        // A small buffer of the newest statuses: a slow watcher needs the latest, not history.
        let (updates, continuation) = AsyncStream.makeStream(of: Status.self, bufferingPolicy: .bufferingNewest(4))
        let id = self.state.withLock { state -> Int in
            state.nextWatcherID += 1
            state.watchers[state.nextWatcherID] = Watcher(service: request.service, continuation: continuation)
            continuation.yield(state.statuses[request.service] ?? .serviceUnknown)
            return state.nextWatcherID
        }
        defer {
            let watcher = self.state.withLock { $0.watchers.removeValue(forKey: id) }
            watcher?.continuation.finish()
        }
        for await status in updates {
            var message = Grpc_Health_V1_HealthCheckResponse()
            message.status = status
            try await response.write(message)
        }
    }
}
