public import GRPCCore
public import VoucherdModel
public import XRPC
import Foundation
import NIOPosix
import Synchronization

/// The voucherd.v1.Testing service: echoes what it is sent, and fails, stalls or forwards on
/// request, so transport tests can provoke every outcome from outside.
public struct TestingService: Voucherd_V1_Testing.ServiceProtocol {
    /// Where `forward` requests go; nil if this server has no downstream.
    public let downstream: Voucherd_V1_Testing.Client<XRPCClientTransport>?
    /// What the handlers saw happen: cancellations, mostly.
    public let events: EventLog

    /// Creates the service.
    /// - Parameters:
    ///   - downstream: a client for forwarded calls.
    ///   - events: where handlers record what happened to them.
    public init(downstream: Voucherd_V1_Testing.Client<XRPCClientTransport>? = nil, events: EventLog = EventLog()) {
        self.downstream = downstream
        self.events = events
    }

    public func echo(
        request: ServerRequest<Voucherd_V1_EchoRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Voucherd_V1_EchoResponse> {
        let message = request.message
        if message.forward, let downstream {
            // The downstream server does the stalling or failing asked for.
            var forwarded = message
            forwarded.forward = false
            let answer = try await downstream.echo(forwarded)
            return ServerResponse(message: answer)
        }
        try await self.prepare(message, method: "Echo")
        var response = self.response(for: message, context: context, index: 0)
        response.metadata = request.metadata.compactMap { key, value in
            if case .string(let text) = value { return "\(key)=\(text)" }
            return nil
        }
        // Which thread ran the handler: an event loop's (XRPCEventLoopExecutor) or the pool's.
        let onEventLoop = MultiThreadedEventLoopGroup.currentEventLoop != nil
        return ServerResponse(
            message: response, metadata: ["echo-handler": "unary", "echo-on-event-loop": "\(onEventLoop)"],
            trailingMetadata: ["echo-trailer": "done"])
    }

    public func collect(
        request: StreamingServerRequest<Voucherd_V1_EchoRequest>,
        context: ServerContext
    ) async throws -> ServerResponse<Voucherd_V1_EchoResponse> {
        var payload = Data()
        var count: UInt32 = 0
        for try await message in request.messages {
            try await self.prepare(message, method: "Collect")
            payload.append(message.payload)
            count += 1
            if message.repeat > 0, count >= message.repeat { break }
        }
        var response = Voucherd_V1_EchoResponse()
        response.payload = payload
        response.index = count
        return ServerResponse(message: response)
    }

    public func expand(
        request: ServerRequest<Voucherd_V1_EchoRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Voucherd_V1_EchoResponse> {
        let message = request.message
        try self.failIfAsked(message)
        return StreamingServerResponse { writer in
            // "wrote" and "ended" let tests see how far a producer got, e.g. against a client
            // that does not read.
            defer { self.events.record("ended:Expand") }
            for index in 0..<max(message.repeat, 1) {
                if message.delayMillis > 0 {
                    try await self.sleep(millis: message.delayMillis, method: "Expand")
                }
                var response = self.response(for: message, context: context, index: index)
                if message.payload.isEmpty, message.responseSize > 0 {
                    response.payload = Data(repeating: UInt8(truncatingIfNeeded: index), count: Int(message.responseSize))
                }
                try await writer.write(response)
                self.events.record("wrote:Expand")
            }
            return [:]
        }
    }

    public func converse(
        request: StreamingServerRequest<Voucherd_V1_EchoRequest>,
        context: ServerContext
    ) async throws -> StreamingServerResponse<Voucherd_V1_EchoResponse> {
        StreamingServerResponse { writer in
            var index: UInt32 = 0
            for try await message in request.messages {
                try await self.prepare(message, method: "Converse")
                try await writer.write(self.response(for: message, context: context, index: index))
                index += 1
            }
            return [:]
        }
    }

    private func prepare(_ message: Voucherd_V1_EchoRequest, method: String) async throws {
        if message.delayMillis > 0 {
            try await self.sleep(millis: message.delayMillis, method: method)
        }
        try self.failIfAsked(message)
    }

    private func failIfAsked(_ message: Voucherd_V1_EchoRequest) throws {
        guard message.failCode != 0 else { return }
        let code = RPCError.Code(Status.Code(rawValue: Int(message.failCode)) ?? .unknown) ?? .unknown
        throw RPCError(code: code, message: message.failMessage)
    }

    private func sleep(millis: UInt32, method: String) async throws {
        self.events.record("started:\(method)")
        do {
            try await Task.sleep(for: .milliseconds(Int(millis)))
        } catch {
            self.events.record("cancelled:\(method)")
            throw error
        }
    }

    private func response(for message: Voucherd_V1_EchoRequest, context: ServerContext, index: UInt32) -> Voucherd_V1_EchoResponse {
        var response = Voucherd_V1_EchoResponse()
        response.payload = message.payload
        response.index = index
        response.peerIdentity = context.xrpc?.peer.identity ?? ""
        response.remotePeer = context.remotePeer
        if let deadline = context.xrpc?.deadline {
            let remaining = ContinuousClock.now.duration(to: deadline)
            let (seconds, attoseconds) = remaining.components
            response.deadlineRemainingMicros = remaining > .zero ? UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000) : 0
        }
        return response
    }
}

/// A thread-safe log of named events that tests can wait on without sleeping.
public final class EventLog: Sendable {
    private struct Waiter {
        var id: Int
        var event: String
        var count: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var events: [String] = []
        var waiters: [Waiter] = []
        var nextWaiterID = 0
    }

    private let state = Mutex(State())

    /// Creates an empty log.
    public init() {}

    /// Appends an event and wakes whoever waits for it.
    public func record(_ event: String) {
        let ready = self.state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.events.append(event)
            var ready: [CheckedContinuation<Bool, Never>] = []
            let events = state.events
            state.waiters.removeAll { waiter in
                guard events.filter({ $0 == waiter.event }).count >= waiter.count else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    /// How many times `event` has been recorded.
    public func count(_ event: String) -> Int {
        self.state.withLock { $0.events.filter { $0 == event }.count }
    }

    /// Waits until `event` has been recorded `count` times.
    /// - Throws: `EventLogTimeout` if that has not happened within `timeout`, so a broken
    ///   expectation fails the test instead of hanging it.
    public func wait(for event: String, count: Int = 1, timeout: Duration = .seconds(20)) async throws {
        let happened = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.suspend(until: event, count: count) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        guard happened else {
            throw EventLogTimeout(description: "\(event) x\(count) not seen within \(timeout); seen: \(self.state.withLock { $0.events })")
        }
    }

    private func suspend(until event: String, count: Int) async -> Bool {
        let id = self.state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let result = self.state.withLock { state -> Bool? in
                    if state.events.filter({ $0 == event }).count >= count { return true }
                    if Task.isCancelled { return false }
                    state.waiters.append(Waiter(id: id, event: event, count: count, continuation: continuation))
                    return nil
                }
                if let result { continuation.resume(returning: result) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: false)
        }
    }
}

/// An awaited event did not happen in time.
public struct EventLogTimeout: Error, CustomStringConvertible {
    public var description: String
}
