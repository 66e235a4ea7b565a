import Foundation
import GRPCCore
@testable import IssuanceService
import Synchronization
import VoucherdModel

/// Identity's points ledger in memory, idempotent by key as the real one, with faults a test
/// switches on: a refusal, an unreachable ledger, or a reply lost after the change was made
/// (what a crash or a timeout looks like from issuance).
final class FakePointsLedger: PointsLedger {
    enum Fault: Sendable, Hashable {
        /// Spends throw UNAVAILABLE before changing anything.
        case spendUnreachable
        /// Spends apply, then throw UNAVAILABLE: the reply is lost.
        case spendReplyLost
        /// Refunds throw UNAVAILABLE before changing anything.
        case refundUnreachable
        /// Refunds apply, then throw UNAVAILABLE.
        case refundReplyLost
    }

    private struct State {
        var balances: [String: Int64] = [:]
        var spends: [String: Voucherd_V1_PointsResult] = [:]
        var refunds: [String: Voucherd_V1_PointsResult] = [:]
        /// Spend entry id → points still refundable.
        var refundable: [String: Int64] = [:]
        var faults: Set<Fault> = []
        var spendsApplied = 0
        var refundsApplied = 0
        var nextEntry = 1
    }

    private let state = Mutex(State())

    func setBalance(_ consumerID: String, _ points: Int64) { self.state.withLock { $0.balances[consumerID] = points } }
    func balance(_ consumerID: String) -> Int64 { self.state.withLock { $0.balances[consumerID] ?? 0 } }
    func setFaults(_ faults: Set<Fault>) { self.state.withLock { $0.faults = faults } }
    /// How many spends and refunds changed a balance (repeats by key do not count).
    var applied: Applied { self.state.withLock { Applied(spends: $0.spendsApplied, refunds: $0.refundsApplied) } }

    /// Spends and refunds applied so far.
    struct Applied: Sendable, Hashable {
        var spends: Int
        var refunds: Int
    }

    func spend(consumerID: String, points: Int64, reason: String, reference: String, idempotencyKey: String) async throws -> Voucherd_V1_PointsResult {
        try self.state.withLock { state in
            if state.faults.contains(.spendUnreachable) { throw RPCError(code: .unavailable, message: "identity is down") }
            if let stored = state.spends[idempotencyKey] { return stored }
            let balance = state.balances[consumerID] ?? 0
            guard balance >= points else { throw RPCError(code: .failedPrecondition, message: "the balance is short") }
            state.balances[consumerID] = balance - points
            var result = Voucherd_V1_PointsResult()
            result.entry.entryID = "pe_\(state.nextEntry)"
            result.entry.points = -points
            result.balance = balance - points
            state.nextEntry += 1
            state.spends[idempotencyKey] = result
            state.refundable[result.entry.entryID] = points
            state.spendsApplied += 1
            if state.faults.contains(.spendReplyLost) { throw RPCError(code: .unavailable, message: "reply lost") }
            return result
        }
    }

    func refund(consumerID: String, spendEntryID: String, points: Int64, reason: String, idempotencyKey: String) async throws -> Voucherd_V1_PointsResult {
        try self.state.withLock { state in
            if state.faults.contains(.refundUnreachable) { throw RPCError(code: .unavailable, message: "identity is down") }
            if let stored = state.refunds[idempotencyKey] { return stored }
            guard let left = state.refundable[spendEntryID], left >= points else {
                throw RPCError(code: .failedPrecondition, message: "more than the spend left to refund")
            }
            state.refundable[spendEntryID] = left - points
            let balance = (state.balances[consumerID] ?? 0) + points
            state.balances[consumerID] = balance
            var result = Voucherd_V1_PointsResult()
            result.entry.entryID = "pe_\(state.nextEntry)"
            result.entry.points = points
            result.balance = balance
            state.nextEntry += 1
            state.refunds[idempotencyKey] = result
            state.refundsApplied += 1
            if state.faults.contains(.refundReplyLost) { throw RPCError(code: .unavailable, message: "reply lost") }
            return result
        }
    }
}
