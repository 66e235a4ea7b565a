import Foundation
import GRPCCore

/// Runs one round of one cell: `inFlightPerConnection` callers on each connection, each
/// making one call at a time until the round's time is up.
struct CellRunner: Sendable {
    var call: CallKind
    var payload: Data
    /// Responses per server-streaming call.
    var streamMessages: Int
    /// How long after the deadline unanswered calls are given before they are cancelled and
    /// counted as failures, so that a stalled transport cannot hang the run.
    var grace: Duration = .seconds(10)

    func round(callers: [any EchoCaller], inFlightPerConnection: Int, duration: Duration) async -> Tally {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        var total = Tally()
        await withTaskGroup(of: Tally?.self) { group in
            // The watchdog: returns nil, and cancels the callers if it is not cancelled first.
            group.addTask {
                try? await Task.sleep(until: deadline + grace, clock: clock)
                return nil
            }
            for caller in callers {
                for _ in 0..<inFlightPerConnection {
                    group.addTask { await callUntil(deadline, clock: clock, caller: caller) }
                }
            }
            var finished = 0
            let callerCount = callers.count * inFlightPerConnection
            for await tally in group {
                guard let tally else {
                    // The watchdog fired first: cut the stragglers off (they count as failed).
                    if finished < callerCount { group.cancelAll() }
                    continue
                }
                total.merge(tally)
                finished += 1
                if finished == callerCount { group.cancelAll() }
            }
        }
        total.elapsedSeconds = (clock.now - start).seconds
        total.rounds = 1
        return total
    }

    /// Warms a connection set up without recording anything.
    func warmUp(callers: [any EchoCaller], inFlightPerConnection: Int, duration: Duration) async {
        _ = await round(callers: callers, inFlightPerConnection: inFlightPerConnection, duration: duration)
    }

    private func callUntil(
        _ deadline: ContinuousClock.Instant, clock: ContinuousClock, caller: any EchoCaller
    ) async -> Tally {
        var tally = Tally()
        while clock.now < deadline, !Task.isCancelled {
            let started = clock.now
            do {
                let messages = try await makeCall(caller)
                tally.recordSuccess(microseconds: (clock.now - started).microseconds, messages: messages)
            } catch let error as RPCError {
                tally.recordFailure(code: String(describing: error.code), description: String(describing: error))
            } catch {
                tally.recordFailure(code: String(describing: type(of: error)), description: String(describing: error))
            }
        }
        return tally
    }

    private func makeCall(_ caller: any EchoCaller) async throws -> Int {
        switch call {
        case .unary:
            try await caller.echo(payload)
            return 1
        case .serverStreaming:
            let received = try await caller.expand(count: streamMessages, size: payload.count)
            guard received == streamMessages else {
                throw BenchError.setup("stream ended after \(received) of \(streamMessages) messages")
            }
            return received
        }
    }
}
