import GRDB
import VoucherdModel
import VoucherdStore

// Reading the member view and the ledger.
extension ConsumersModule {
    func getMember(_ request: Voucherd_V1_GetMemberRequest) async throws -> Voucherd_V1_Member {
        try ConsumerInput.consumerID(request.consumerID)
        return try await environment.store.pool.read { db in
            try member(of: ConsumerRecord.fetchLive(id: request.consumerID, in: db), in: db)
        }
    }

    func listPointsEntries(_ request: Voucherd_V1_ListPointsEntriesRequest) async throws
        -> Voucherd_V1_ListPointsEntriesResponse
    {
        try ConsumerInput.consumerID(request.consumerID)
        let pageSize = try ConsumerInput.pageSize(request.pageSize)
        let before = try ConsumerInput.pageToken(request.pageToken) ?? Int64.max
        return try await environment.store.pool.read { db in
            let consumer = try ConsumerRecord.fetchLive(id: request.consumerID, in: db)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(PointsEntryRow.columns) FROM points_entry
                    WHERE ledger_account = ? AND position < ? ORDER BY position DESC LIMIT ?
                    """,
                arguments: [consumer.ledgerAccount, before, pageSize + 1])
            var response = Voucherd_V1_ListPointsEntriesResponse()
            response.entries = rows.prefix(pageSize).map(PointsEntryRow.entry)
            if rows.count > pageSize, let last = rows.prefix(pageSize).last {
                response.nextPageToken = String(last["position"] as Int64)
            }
            response.balance = consumer.balance
            return response
        }
    }

    func member(of consumer: ConsumerRecord, in db: Database) throws -> Voucherd_V1_Member {
        var member = Voucherd_V1_Member()
        member.consumerID = consumer.id
        member.tier = consumer.tier.rawValue
        member.pointsBalance = consumer.balance
        member.lifetimePoints = consumer.lifetimePoints
        member.lifetimeSpend.currency = members.currency
        member.lifetimeSpend.minorUnits = consumer.lifetimeSpendMinorUnits
        member.tierHistory = try Row.fetchAll(
            db,
            sql: """
                SELECT from_tier, to_tier, reason, changed_at_us FROM consumer_tier_change
                WHERE consumer_id = ? ORDER BY position
                """,
            arguments: [consumer.id]
        ).map { row in
            var change = Voucherd_V1_TierChange()
            change.fromTier = row["from_tier"]
            change.toTier = row["to_tier"]
            change.reason = row["reason"]
            change.changedAtMicros = row["changed_at_us"]
            return change
        }
        return member
    }
}
