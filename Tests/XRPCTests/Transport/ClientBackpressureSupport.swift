import Foundation
import GRPCCore
import NIOCore
import Synchronization
import VoucherdModel
@testable import XRPC
import XRPCTestSupport

/// Opens once; everything waiting on it then resumes. Lets a test hold a handler or a producer
/// at a known point instead of sleeping.
final class Latch: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let open = self.state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// voucherd.v1.Testing whose Collect and Converse read one message, record `collect:first` or
/// `converse:first`, and read no more until `latch` opens: a server that is not reading its
/// request stream, on demand. Converse answers each message with an empty response. Echo and
/// Expand are `TestingService`'s.
struct HeldCollectService: Voucherd_V1_Testing.ServiceProtocol {
    let events: EventLog
    let latch: Latch
    private let base: TestingService

    init(events: EventLog, latch: Latch) {
        self.events = events
        self.latch = latch
        self.base = TestingService(events: events)
    }

    func collect(
        request: StreamingServerRequest<Voucherd_V1_EchoRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Voucherd_V1_EchoResponse> {
        var count: UInt32 = 0
        var bytes = 0
        for try await message in request.messages {
            count += 1
            bytes += message.payload.count
            if count == 1 {
                self.events.record("collect:first")
                await self.latch.wait()
            }
        }
        var response = Voucherd_V1_EchoResponse()
        response.index = count
        response.deadlineRemainingMicros = UInt64(bytes)
        return ServerResponse(message: response)
    }

    func echo(request: ServerRequest<Voucherd_V1_EchoRequest>, context: ServerContext) async throws -> ServerResponse<Voucherd_V1_EchoResponse> {
        try await self.base.echo(request: request, context: context)
    }

    func expand(request: ServerRequest<Voucherd_V1_EchoRequest>, context: ServerContext) async throws -> StreamingServerResponse<Voucherd_V1_EchoResponse> {
        try await self.base.expand(request: request, context: context)
    }

    func converse(request: StreamingServerRequest<Voucherd_V1_EchoRequest>, context: ServerContext) async throws -> StreamingServerResponse<Voucherd_V1_EchoResponse> {
        StreamingServerResponse { writer in
            var index: UInt32 = 0
            for try await _ in request.messages {
                var response = Voucherd_V1_EchoResponse()
                response.index = index
                try await writer.write(response)
                index += 1
                if index == 1 {
                    self.events.record("converse:first")
                    await self.latch.wait()
                }
            }
            return [:]
        }
    }
}

/// Looks inside a client transport's connections, on their event loops.
enum ClientProbe {
    struct Snapshot: Sendable {
        /// Streams whose caller waits for the server's flow-control credit.
        var waitingForCredit = 0
        /// Request payload bytes queued on the event loop, not yet written to the channel.
        var queuedBytes = 0
    }

    static func snapshot(_ transport: XRPCClientTransport) async throws -> Snapshot {
        var total = Snapshot()
        for connection in transport.pool.currentConnections {
            let eventLoop = connection.channel.eventLoop
            let one = try await connection.handle.flatSubmit { handler in
                eventLoop.makeSucceededFuture(Snapshot(
                    waitingForCredit: handler.streams.values.filter { $0.lifecycle.isWaitingForSendCredit }.count,
                    queuedBytes: handler.pendingOutboundBytes
                ))
            }.get()
            total.waitingForCredit += one.waitingForCredit
            total.queuedBytes += one.queuedBytes
        }
        return total
    }

    /// Polls `condition` until it holds. Not a timing assertion: the suite's time limit is what
    /// ends a test whose condition never comes.
    static func waitUntil(_ condition: () async throws -> Bool) async throws {
        while try await !condition() {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
