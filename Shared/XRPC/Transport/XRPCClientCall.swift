import GRPCCore
import NIOCore
import Synchronization

/// One call as GRPCCore sees it. Usually one XRPC stream; when the server provably did not
/// process that stream (`XRPCNotProcessed`: REFUSED_STREAM, above a GOAWAY's last id, or never
/// sent) before anything of the response arrived, the call is re-sent transparently on a
/// stream the pool picks again, replaying what the caller has written so far.
///
/// The request parts are kept only until the first response part arrives (from then on the
/// server has processed the call and nothing is re-sent) and only up to a byte limit, so a
/// long upload does not pin its whole request in memory.
final class XRPCClientCall: Sendable {
    struct Attempt: Sendable {
        let lease: XRPCClientConnectionPool.Lease
        let stream: XRPCClientStream
    }

    private struct State {
        var attempt: Attempt
        /// What the caller has written, for a re-send; nil once a re-send is ruled out.
        var replay: [RPCRequestPart<XRPCBytes>]? = []
        var replayBytes = 0
        var halfClosed = false
        var retriesLeft: Int
        var finished = false
    }

    private let state: Mutex<State>
    private let pool: XRPCClientConnectionPool
    private let replayLimit: Int
    private let reopen: @Sendable () async throws -> Attempt
    /// The first attempt's connection, for the call's `ClientContext`.
    let connection: XRPCClientConnection

    /// - Parameters:
    ///   - first: the stream the call starts on.
    ///   - maxRetries: how many transparent re-sends are allowed.
    ///   - replayLimit: request bytes kept for a re-send.
    ///   - reopen: opens a stream for a re-send.
    init(
        first: Attempt,
        pool: XRPCClientConnectionPool,
        maxRetries: Int,
        replayLimit: Int,
        reopen: @escaping @Sendable () async throws -> Attempt
    ) {
        self.state = Mutex(State(attempt: first, replay: maxRetries > 0 ? [] : nil, retriesLeft: maxRetries))
        self.pool = pool
        self.replayLimit = replayLimit
        self.reopen = reopen
        self.connection = first.lease.connection
    }

    // MARK: - Outbound

    func write(_ part: RPCRequestPart<XRPCBytes>) async throws {
        // A message waits, outside the lock, for the server's flow-control credit and for room
        // on the connection, exactly as a server handler's response does; so a server that does
        // not read its request stream suspends the caller instead of having this side queue
        // request bytes without bound.
        var admission: (stream: XRPCClientStream, reserved: Int)?
        if case .message(let bytes) = part {
            let stream = self.state.withLock { $0.attempt.stream }
            let reserved = await stream.connection.admitMessage(of: bytes.count, on: stream.lifecycle)
            admission = (stream, reserved)
        }
        try self.state.withLock { state in
            let stream = state.attempt.stream
            var reserved = admission?.reserved ?? 0
            if let admission, admission.stream.lifecycle !== stream.lifecycle {
                // Re-sent on a new stream while this part waited on the old one: its room there
                // is given back, and its credit is taken from the new stream as the replay's is.
                admission.stream.connection.writability.release(admission.reserved)
                reserved = 0
                if case .message(let bytes) = part { stream.lifecycle.takeSendCredit(bytes.count) }
            }
            if state.replay != nil {
                if case .message(let bytes) = part { state.replayBytes += bytes.count }
                if state.replayBytes > self.replayLimit {
                    state.replay = nil
                } else {
                    state.replay?.append(part)
                }
            }
            // A stream that ended unprocessed is about to be replaced: keep taking parts for
            // the re-send rather than failing the writer.
            if let closure = stream.lifecycle.closure, state.replay == nil || !Self.mayBeUnprocessed(closure) {
                stream.connection.writability.release(reserved)
                throw XRPCStreamClosure.error(for: closure)
            }
            // Sent under the lock, so a re-send's replay and later parts reach the event loop in
            // the order the caller wrote them.
            let record = stream.record
            let held = reserved
            stream.connection.execute { handler in
                handler.clientSend(part, record: record.value)
                handler.releaseAfterFlush(held)
            }
        }
    }

    func halfClose() {
        self.state.withLock { state in
            state.halfClosed = true
            let record = state.attempt.stream.record
            state.attempt.stream.connection.execute { $0.clientHalfClose(record: record.value) }
        }
    }

    // MARK: - Inbound

    func next() async throws -> RPCResponsePart<XRPCBytes>? {
        while true {
            let stream = self.state.withLock { $0.attempt.stream }
            do {
                let part = try await stream.inbound.next()
                // The server answered: it has processed the call, so it is never re-sent.
                self.state.withLock { state in
                    state.replay = nil
                    state.replayBytes = 0
                }
                return part
            } catch where error.xrpcCallWasNotProcessed {
                try await self.resend(after: error)
            }
        }
    }

    /// Moves the call to a new stream and replays what was written, or rethrows `error`.
    private func resend(after error: any Error) async throws {
        let allowed = self.state.withLock { state -> Bool in
            guard !state.finished, state.replay != nil, state.retriesLeft > 0 else { return false }
            state.retriesLeft -= 1
            return true
        }
        guard allowed else { throw error }
        let attempt = try await self.reopen()
        let previous: Attempt? = self.state.withLock { state in
            guard !state.finished, let replay = state.replay else { return nil }
            let previous = state.attempt
            state.attempt = attempt
            let record = attempt.stream.record
            for part in replay {
                // Sent regardless of credit (the replay is bounded by `replayLimit`), but counted,
                // so the caller's next write waits for what the replay used.
                if case .message(let bytes) = part { attempt.stream.lifecycle.takeSendCredit(bytes.count) }
                attempt.stream.connection.execute { $0.clientSend(part, record: record.value) }
            }
            if state.halfClosed {
                attempt.stream.connection.execute { $0.clientHalfClose(record: record.value) }
            }
            return previous
        }
        guard let previous else {
            // The caller gave up meanwhile, or the request outgrew the replay buffer.
            Self.release(attempt, pool: self.pool, error: nil)
            throw error
        }
        Self.release(previous, pool: self.pool, error: nil)
    }

    // MARK: - End

    /// The caller is done with the call: frees the current stream (resetting it if the call
    /// had not completed).
    func finish(error: RPCError?) {
        let attempt = self.state.withLock { state -> Attempt? in
            guard !state.finished else { return nil }
            state.finished = true
            state.replay = nil
            return state.attempt
        }
        guard let attempt else { return }
        attempt.stream.inbound.discard()
        Self.release(attempt, pool: self.pool, error: error)
    }

    /// The request side failed: GRPCCore calls this when the caller's producer throws, which
    /// includes a write refused because the call had already ended. A call the server has
    /// answered is left to its reader, whose response may not be read yet; any other is reset,
    /// and its reader sees `error` unless the event loop has already ended it with a reason.
    func requestFailed(_ error: RPCError) {
        let attempt = self.state.withLock { state -> Attempt? in
            guard !state.finished, state.attempt.stream.lifecycle.closure != .completed else { return nil }
            state.finished = true
            state.replay = nil
            return state.attempt
        }
        guard let attempt else { return }
        attempt.stream.inbound.finish(throwing: error)
        Self.release(attempt, pool: self.pool, error: error)
    }

    private static func release(_ attempt: Attempt, pool: XRPCClientConnectionPool, error: RPCError?) {
        attempt.stream.release(error: error)
        pool.release(attempt.lease)
    }

    /// Closures that may come from a stream that was not processed; the error the reader sees
    /// says for sure.
    private static func mayBeUnprocessed(_ closure: XRPCStreamClosure) -> Bool {
        switch closure {
        case .resetByPeer(.refusedStream), .connectionClosed: return true
        default: return false
        }
    }
}

extension XRPCClientCall {
    /// The response parts, across re-sends.
    struct Inbound: AsyncSequence, Sendable {
        typealias Element = RPCResponsePart<XRPCBytes>
        typealias Failure = any Error
        let call: XRPCClientCall

        struct AsyncIterator: AsyncIteratorProtocol {
            let call: XRPCClientCall
            func next() async throws -> Element? { try await self.call.next() }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(call: self.call) }
    }

    /// The request side.
    struct Writer: ClosableRPCWriterProtocol {
        typealias Element = RPCRequestPart<XRPCBytes>
        let call: XRPCClientCall

        func write(_ element: Element) async throws { try await self.call.write(element) }

        func write(contentsOf elements: some Sequence<Element>) async throws {
            for element in elements { try await self.call.write(element) }
        }

        func finish() async { self.call.halfClose() }

        func finish(throwing error: any Error) async {
            self.call.requestFailed((error as? RPCError) ?? RPCError(code: .cancelled, message: "the request stream failed: \(error)"))
        }
    }
}
