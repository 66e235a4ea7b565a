extension XRPCClientConnectionPool {
    /// Which endpoint and connection each call goes to, which endpoints are down, and when to
    /// open a connection. Pure: no I/O, time and randomness are passed in, so every rule is
    /// unit-tested without sockets or clocks.
    ///
    /// Rules (PROTOCOL.md "Client behaviour"):
    /// - Endpoints are tried round-robin, starting one further on for each call.
    /// - An endpoint whose last connect failed is down until its backoff has elapsed, and is
    ///   skipped; once it has elapsed, the next call that reaches it tries to connect again.
    /// - A call takes a free stream on the least busy open connection of the first endpoint in
    ///   turn that has one. An endpoint with no free stream opens another connection, up to
    ///   `maxConnectionsPerEndpoint`, one attempt at a time. Only when no endpoint can do
    ///   either does the call wait: for a connection attempt in progress, else for a free
    ///   stream on the least busy connection of all (queued by its connection).
    /// - A connection that stops taking calls (GOAWAY, closed) is forgotten; the next call
    ///   that needs one opens a new one.
    struct StateMachine {
        typealias ConnectionID = Int

        struct Connection: Equatable {
            let id: ConnectionID
            /// Calls holding a stream on it, as counted by the pool: from lease to release.
            var active: Int
            /// The server's `max_concurrent_streams` from its SETTINGS.
            let maxStreams: Int
        }

        struct Endpoint {
            let name: String
            var connections: [Connection] = []
            /// Whether a connect to it is in progress (at most one at a time).
            var connecting = false
            /// Consecutive failed connects; 0 once a connect succeeds.
            var failures = 0
            var downUntil: ContinuousClock.Instant?
            var lastError: String?
        }

        enum Pick: Equatable {
            /// Use this connection; one stream on it is now counted as the caller's.
            case use(endpoint: Int, connection: ConnectionID)
            /// Connect to this endpoint, then report `connected` or `connectFailed`.
            case connect(endpoint: Int)
            /// Wait until this endpoint's connect attempt ends, then pick again.
            case join(endpoint: Int)
            /// No endpoint can take the call; the message says which were tried and why.
            case fail(String)
        }

        private(set) var endpoints: [Endpoint]
        private var next = 0
        private(set) var isShuttingDown = false
        let maxConnectionsPerEndpoint: Int
        let backoff: XRPCBackoff

        init(endpointNames: [String], maxConnectionsPerEndpoint: Int, backoff: XRPCBackoff) {
            self.endpoints = endpointNames.map { Endpoint(name: $0) }
            self.maxConnectionsPerEndpoint = max(1, maxConnectionsPerEndpoint)
            self.backoff = backoff
        }

        /// Where the next call goes.
        /// - Parameters:
        ///   - now: the current time, for backoff.
        ///   - excluding: endpoints this call already failed to connect to; not tried again.
        mutating func pick(now: ContinuousClock.Instant, excluding: Set<Int> = []) -> Pick {
            guard !self.isShuttingDown else { return .fail("the client transport is shutting down") }
            let count = self.endpoints.count
            let start = self.next
            self.next = (self.next + 1) % count
            var joinable: Int?
            var queueOn: (endpoint: Int, index: Int, load: Double)?
            for step in 0..<count {
                let e = (start + step) % count
                let endpoint = self.endpoints[e]
                if excluding.contains(e) { continue }
                if let until = endpoint.downUntil, now < until { continue }
                if let index = Self.leastBusy(endpoint.connections, withFreeStream: true) {
                    self.endpoints[e].connections[index].active += 1
                    return .use(endpoint: e, connection: endpoint.connections[index].id)
                }
                if endpoint.connecting {
                    joinable = joinable ?? e
                    continue
                }
                if endpoint.connections.count < self.maxConnectionsPerEndpoint {
                    self.endpoints[e].connecting = true
                    return .connect(endpoint: e)
                }
                if let index = Self.leastBusy(endpoint.connections, withFreeStream: false) {
                    let load = endpoint.connections[index].load
                    if queueOn == nil || load < queueOn!.load { queueOn = (e, index, load) }
                }
            }
            if let joinable { return .join(endpoint: joinable) }
            if let queueOn {
                self.endpoints[queueOn.endpoint].connections[queueOn.index].active += 1
                return .use(endpoint: queueOn.endpoint, connection: self.endpoints[queueOn.endpoint].connections[queueOn.index].id)
            }
            return .fail(self.unavailableMessage(now: now, excluding: excluding))
        }

        /// A connect succeeded: the endpoint is up, and the caller holds one stream on it.
        mutating func connected(endpoint e: Int, connection id: ConnectionID, maxStreams: Int) {
            self.endpoints[e].connecting = false
            self.endpoints[e].failures = 0
            self.endpoints[e].downUntil = nil
            self.endpoints[e].lastError = nil
            self.endpoints[e].connections.append(Connection(id: id, active: 1, maxStreams: max(1, maxStreams)))
        }

        /// A connect failed: the endpoint is down for its next backoff.
        /// - Parameter random: a number in [0, 1) choosing the jitter.
        /// - Returns: how long the endpoint is down.
        @discardableResult
        mutating func connectFailed(endpoint e: Int, error: String, now: ContinuousClock.Instant, random: Double) -> Duration {
            self.endpoints[e].connecting = false
            self.endpoints[e].failures += 1
            self.endpoints[e].lastError = error
            let delay = self.backoff.delay(afterFailures: self.endpoints[e].failures, random: random)
            self.endpoints[e].downUntil = now.advanced(by: delay)
            return delay
        }

        /// A connect attempt was abandoned without a verdict on the endpoint (the transport is
        /// shutting down).
        mutating func connectAbandoned(endpoint e: Int) {
            self.endpoints[e].connecting = false
        }

        /// A call is done with its stream on this connection.
        mutating func release(endpoint e: Int, connection id: ConnectionID) {
            guard let index = self.endpoints[e].connections.firstIndex(where: { $0.id == id }) else { return }
            self.endpoints[e].connections[index].active -= 1
        }

        /// The connection stopped taking calls (GOAWAY either way, or closed).
        mutating func remove(endpoint e: Int, connection id: ConnectionID) {
            self.endpoints[e].connections.removeAll { $0.id == id }
        }

        /// No more calls; returns nothing because the pool owns the connections themselves.
        mutating func shutDown() {
            self.isShuttingDown = true
        }

        private static func milliseconds(_ duration: Duration) -> Int64 {
            let (seconds, attoseconds) = duration.components
            return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        }

        private static func leastBusy(_ connections: [Connection], withFreeStream: Bool) -> Int? {
            var best: Int?
            for (index, connection) in connections.enumerated() {
                if withFreeStream, connection.active >= connection.maxStreams { continue }
                if best == nil || connection.load < connections[best!].load { best = index }
            }
            return best
        }

        private func unavailableMessage(now: ContinuousClock.Instant, excluding: Set<Int>) -> String {
            let reasons = self.endpoints.enumerated().map { e, endpoint -> String in
                let last = endpoint.lastError.map { " (last error: \($0))" } ?? ""
                if let until = endpoint.downUntil, now < until, !excluding.contains(e) {
                    let wait = now.duration(to: until)
                    return "\(endpoint.name): down for another \(Self.milliseconds(wait)) ms after \(endpoint.failures) failed connect(s)\(last)"
                }
                return "\(endpoint.name): connect failed\(last)"
            }
            return "no XRPC endpoint could take the call; tried \(reasons.joined(separator: "; "))"
        }
    }
}

extension XRPCClientConnectionPool.StateMachine.Connection {
    /// How full it is, so connections with different limits compare fairly.
    var load: Double { Double(self.active) / Double(self.maxStreams) }
}
