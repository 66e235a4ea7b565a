import Foundation
import GRPCCore
import IssuanceService
import SwiftProtobuf
import Synchronization
import VoucherdModel

/// Identity's outbox as ReadOutbox serves it, in memory: records are numbered 1, 2, ... as
/// appended; reads keep only referral reward commands (the type the feed asks for) and report
/// `scanned_through` and `last_sequence` as identity does. `failure` makes reads throw.
final class FakeReferralCommandSource: ReferralCommandSource {
    private struct State {
        var records: [Voucherd_V1_OutboxRecord] = []
        var failure: RPCError?
        var reads = 0
    }

    private let state = Mutex(State())

    /// Appends a record; returns its sequence.
    @discardableResult
    func append(type: String = ReferralRewardFeed.commandType, payload: Data) -> UInt64 {
        self.state.withLock { state in
            var record = Voucherd_V1_OutboxRecord()
            record.sequence = UInt64(state.records.count + 1)
            record.type = type
            record.payload = payload
            state.records.append(record)
            return record.sequence
        }
    }

    /// Appends a command; returns its sequence.
    @discardableResult
    func append(_ command: Voucherd_V1_ReferralRewardCommand) -> UInt64 {
        self.append(payload: try! command.serializedBytes())
    }

    /// Appends an event of another type (the filter drops it).
    @discardableResult
    func appendOther() -> UInt64 {
        self.append(type: "identity.consumer.registered", payload: Data())
    }

    func fail(with error: RPCError?) {
        self.state.withLock { $0.failure = error }
    }

    var reads: Int { self.state.withLock { $0.reads } }

    func read(after sequence: UInt64, limit: UInt32) async throws -> Voucherd_V1_ReadOutboxResponse {
        try self.state.withLock { state in
            state.reads += 1
            if let failure = state.failure { throw failure }
            var response = Voucherd_V1_ReadOutboxResponse()
            response.lastSequence = UInt64(state.records.count)
            response.records = Array(
                state.records.filter { $0.sequence > sequence && $0.type == ReferralRewardFeed.commandType }.prefix(Int(limit)))
            let full = response.records.count == Int(limit)
            response.scannedThrough = max(sequence, full ? response.records.last!.sequence : response.lastSequence)
            return response
        }
    }
}

/// A referral reward command for `consumerID` from `campaignID`.
func referralCommand(_ id: String, consumerID: String = "inviter", campaignID: String = "") -> Voucherd_V1_ReferralRewardCommand {
    var command = Voucherd_V1_ReferralRewardCommand()
    command.commandID = id
    command.consumerID = consumerID
    command.invitees = 3
    command.faceValue = Fixtures.money(5_000)
    command.campaignID = campaignID
    return command
}
