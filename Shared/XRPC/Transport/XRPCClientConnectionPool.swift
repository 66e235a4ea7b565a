import GRPCCore
import Synchronization

/// The client's connections: one or more per endpoint, opened on demand, with reconnect
/// backoff per endpoint. Decisions are made by `StateMachine`; this type does the connecting
/// and keeps the connections themselves.
///
/// Connects run in the task of the call that needs them (no background task): callers that
/// need the same endpoint meanwhile wait for that attempt to end, then pick again.
final class XRPCClientConnectionPool: Sendable {
    /// One call's claim on a stream of one connection, returned with `release`.
    struct Lease: Sendable {
        let connection: XRPCClientConnection
        let endpoint: Int
        let id: StateMachine.ConnectionID
    }

    /// Opens a connection to an endpoint; `onDraining` is called when it stops taking calls.
    typealias Connector = @Sendable (XRPCEndpoint, _ onDraining: @escaping @Sendable () -> Void) async throws -> XRPCClientConnection

    private struct State {
        var machine: StateMachine
        var connections: [StateMachine.ConnectionID: XRPCClientConnection] = [:]
        /// Connections that stopped taking calls before their connect had returned.
        var retired: Set<StateMachine.ConnectionID> = []
        /// Connections whose connect has not returned yet.
        var pending: Set<StateMachine.ConnectionID> = []
        var nextID: StateMachine.ConnectionID = 1
        /// Callers waiting for an endpoint's connect attempt to end.
        var joiners: [Int: [CheckedContinuation<Void, Never>]] = [:]
        /// Connect attempts started, for tests and diagnostics.
        var attempts = 0
    }

    private let endpoints: [XRPCEndpoint]
    private let connector: Connector
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<State>

    /// - Parameters:
    ///   - now: the clock backoff is measured on; tests pass a manual one.
    init(
        endpoints: [XRPCEndpoint],
        maxConnectionsPerEndpoint: Int,
        backoff: XRPCBackoff,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        connector: @escaping Connector
    ) {
        self.endpoints = endpoints
        self.connector = connector
        self.now = now
        self.state = Mutex(State(machine: StateMachine(
            endpointNames: endpoints.map(\.description),
            maxConnectionsPerEndpoint: maxConnectionsPerEndpoint,
            backoff: backoff
        )))
    }

    /// How many connects have been started so far.
    var connectionAttempts: Int { self.state.withLock { $0.attempts } }

    /// How many connections are open and taking calls, per endpoint.
    var openConnections: [Int] { self.state.withLock { $0.machine.endpoints.map(\.connections.count) } }

    /// The connections taking calls now.
    var currentConnections: [XRPCClientConnection] { self.state.withLock { Array($0.connections.values) } }

    /// A stream's worth of a connection for one call.
    /// - Throws: `RPCError(.unavailable)` when no endpoint can take the call; the message names
    ///   every endpoint and why it could not. Nothing was sent, so the call may be retried.
    func lease() async throws -> Lease {
        var failedHere: Set<Int> = []
        while true {
            let pick = self.state.withLock { $0.machine.pick(now: self.now(), excluding: failedHere) }
            switch pick {
            case .use(let endpoint, let id):
                let connection = self.state.withLock { $0.connections[id] }
                guard let connection else {
                    // Forgotten between the pick and here; the state machine has dropped it too.
                    continue
                }
                return Lease(connection: connection, endpoint: endpoint, id: id)
            case .join(let endpoint):
                await self.waitForAttempt(endpoint: endpoint)
            case .connect(let endpoint):
                if let lease = await self.connect(endpoint: endpoint) { return lease }
                failedHere.insert(endpoint)
            case .fail(let message):
                throw RPCError(code: .unavailable, message: message, cause: XRPCNotProcessed())
            }
        }
    }

    /// The call is done with the stream it leased.
    func release(_ lease: Lease) {
        self.state.withLock { $0.machine.release(endpoint: lease.endpoint, connection: lease.id) }
    }

    /// Stops handing out connections; returns the open ones, for the caller to drain.
    func shutDown() -> [XRPCClientConnection] {
        self.state.withLock { state in
            state.machine.shutDown()
            return Array(state.connections.values)
        }
    }

    private func connect(endpoint index: Int) async -> Lease? {
        let id = self.state.withLock { state in
            state.attempts += 1
            state.pending.insert(state.nextID)
            defer { state.nextID += 1 }
            return state.nextID
        }
        let result: Result<XRPCClientConnection, any Error>
        do {
            result = .success(try await self.connector(self.endpoints[index]) { [weak self] in
                self?.forget(endpoint: index, id: id)
            })
        } catch {
            result = .failure(error)
        }
        let (lease, joiners, drain) = self.state.withLock { state -> (Lease?, [CheckedContinuation<Void, Never>], XRPCClientConnection?) in
            let joiners = state.joiners.removeValue(forKey: index) ?? []
            state.pending.remove(id)
            switch result {
            case .success(let connection):
                if state.machine.isShuttingDown {
                    state.machine.connectAbandoned(endpoint: index)
                    return (nil, joiners, connection)
                }
                if state.retired.remove(id) != nil {
                    // It closed already; that says nothing about the endpoint, so no backoff.
                    state.machine.connectAbandoned(endpoint: index)
                    return (nil, joiners, nil)
                }
                state.machine.connected(endpoint: index, connection: id, maxStreams: connection.maxConcurrentStreams)
                state.connections[id] = connection
                return (Lease(connection: connection, endpoint: index, id: id), joiners, nil)
            case .failure(let error):
                state.machine.connectFailed(endpoint: index, error: Self.describe(error), now: self.now(), random: Double.random(in: 0..<1))
                return (nil, joiners, nil)
            }
        }
        drain?.drain()
        for joiner in joiners { joiner.resume() }
        return lease
    }

    private func waitForAttempt(endpoint: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let attemptOver = self.state.withLock { state -> Bool in
                guard state.machine.endpoints[endpoint].connecting else { return true }
                state.joiners[endpoint, default: []].append(continuation)
                return false
            }
            if attemptOver { continuation.resume() }
        }
    }

    private func forget(endpoint: Int, id: StateMachine.ConnectionID) {
        self.state.withLock { state in
            if state.connections.removeValue(forKey: id) != nil {
                state.machine.remove(endpoint: endpoint, connection: id)
            } else if state.pending.contains(id) {
                state.retired.insert(id)
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? RPCError { return error.message }
        return "\(error)"
    }
}
