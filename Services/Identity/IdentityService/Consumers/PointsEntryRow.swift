import GRDB
import VoucherdModel

/// Reading `points_entry` rows as API messages.
enum PointsEntryRow {
    static let columns = """
        position, id, consumer_id, kind, points, balance_after, reason, reference, refunded_entry_id, created_at_us
        """

    static func kindName(_ kind: Voucherd_V1_PointsEntryKind) -> String {
        switch kind {
        case .accrual: "accrual"
        case .spend: "spend"
        case .refund: "refund"
        default: "unspecified"
        }
    }

    static func kind(named name: String) -> Voucherd_V1_PointsEntryKind {
        switch name {
        case "accrual": .accrual
        case "spend": .spend
        case "refund": .refund
        default: .unspecified
        }
    }

    static func entry(_ row: Row) -> Voucherd_V1_PointsEntry {
        var entry = Voucherd_V1_PointsEntry()
        entry.entryID = row["id"]
        entry.consumerID = (row["consumer_id"] as String?) ?? ""
        entry.kind = kind(named: row["kind"])
        entry.points = row["points"]
        entry.balanceAfter = row["balance_after"]
        entry.reason = row["reason"]
        entry.reference = row["reference"]
        entry.refundedEntryID = (row["refunded_entry_id"] as String?) ?? ""
        entry.createdAtMicros = row["created_at_us"]
        return entry
    }
}
