import Foundation
import GRDB
import GRPCCore
import VoucherdModel
import VoucherdStore

/// ReadOutbox's logic: validates the request and reads one page of identity's outbox.
///
/// Consumers pull (rather than identity pushing) so that identity needs no other service's
/// address; see ARCHITECTURE.md, "Changes from DESIGN.md". Pulling is safe because the outbox is
/// numbered without gaps in commit order by the single writer: a record with a higher sequence is
/// never visible before a lower one, so "continue after the last sequence seen" misses nothing.
struct OutboxReading: Sendable {
    /// Records per call when the request leaves `limit` at 0.
    static let defaultLimit = 100
    /// The largest `limit` accepted.
    static let maximumLimit = 1_000
    /// The most sequences one call examines. A reader filtering for a rare type over a long
    /// backlog gets an empty page with `scanned_through` advanced instead of a call that scans
    /// the whole table while holding a read transaction.
    static let scanWindow: UInt64 = 10_000
    /// Type filter bounds: keeps the SQL small and the message size predictable.
    static let maximumTypes = 20
    static let maximumTypeLength = 128

    let store: VoucherdStore
    let outbox: Outbox

    /// Checks the request's bounds.
    /// - Returns: the effective limit and type filter.
    /// - Throws: `RPCError` INVALID_ARGUMENT naming the field.
    static func validate(_ request: Voucherd_V1_ReadOutboxRequest) throws(RPCError) -> (limit: Int, types: Set<String>) {
        let limit = request.limit == 0 ? Self.defaultLimit : Int(request.limit)
        guard (1...Self.maximumLimit).contains(limit) else {
            throw RPCError(code: .invalidArgument, message: "limit: must be 1-\(Self.maximumLimit) (0 means \(Self.defaultLimit))")
        }
        guard request.types.count <= Self.maximumTypes else {
            throw RPCError(code: .invalidArgument, message: "types: at most \(Self.maximumTypes) types")
        }
        for (index, type) in request.types.enumerated() {
            guard (1...Self.maximumTypeLength).contains(type.count) else {
                throw RPCError(code: .invalidArgument, message: "types[\(index)]: must be 1-\(Self.maximumTypeLength) characters")
            }
        }
        return (limit, Set(request.types))
    }

    /// One page after `request.after_sequence`.
    /// - Throws: `RPCError` INVALID_ARGUMENT for bad bounds; database errors.
    func read(_ request: Voucherd_V1_ReadOutboxRequest) async throws -> Voucherd_V1_ReadOutboxResponse {
        let (limit, types) = try Self.validate(request)
        let after = request.afterSequence
        let producer = IdentityEnvironment.producer
        // One read transaction: the records and last_sequence come from the same snapshot, so
        // scanned_through never claims a range that had records this call did not see.
        return try await store.pool.read { [outbox] db in
            let last = try outbox.lastSequence(producer: producer, in: db)
            let (windowEnd, overflow) = after.addingReportingOverflow(Self.scanWindow)
            let upper = min(last, overflow ? .max : windowEnd)
            let events = try outbox.events(producer: producer, after: after, through: upper, types: types, limit: limit, in: db)
            var response = Voucherd_V1_ReadOutboxResponse()
            response.records = events.map { event in
                var record = Voucherd_V1_OutboxRecord()
                record.sequence = event.sequence
                record.type = event.type
                record.payload = event.payload
                record.createdAtMicros = ConsumersModule.micros(event.createdAt)
                return record
            }
            response.lastSequence = last
            // A full page stops at its last record (more may follow it within the window);
            // otherwise the whole window was examined. Never below after_sequence, so a reader
            // ahead of identity (a restored identity store) is not moved backwards.
            let examined = events.count == limit ? (events.last?.sequence ?? upper) : upper
            response.scannedThrough = max(after, examined)
            return response
        }
    }
}
