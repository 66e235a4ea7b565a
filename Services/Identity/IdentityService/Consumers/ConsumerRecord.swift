import GRDB
import VoucherdModel

/// A row of the `consumer` table.
struct ConsumerRecord: Sendable {
    var id: String
    var ledgerAccount: String
    var externalID: String?
    var displayName: String
    var phone: String
    var email: String
    var inviteCode: String?
    var referredBy: String?
    var tier: MemberTier
    var lifetimePoints: Int64
    var lifetimeSpendMinorUnits: Int64
    var balance: Int64
    var inviteesRegistered: Int64
    var createdAtMicros: Int64
    var erasedAtMicros: Int64?

    static let columns = """
        id, ledger_account, external_id, display_name, phone, email, invite_code, referred_by, tier,
        lifetime_points, lifetime_spend_minor, balance, invitees_registered, created_at_us, erased_at_us
        """

    init(row: Row) {
        self.id = row["id"]
        self.ledgerAccount = row["ledger_account"]
        self.externalID = row["external_id"]
        self.displayName = row["display_name"]
        self.phone = row["phone"]
        self.email = row["email"]
        self.inviteCode = row["invite_code"]
        self.referredBy = row["referred_by"]
        self.tier = MemberTier(rawValue: row["tier"]) ?? .regular
        self.lifetimePoints = row["lifetime_points"]
        self.lifetimeSpendMinorUnits = row["lifetime_spend_minor"]
        self.balance = row["balance"]
        self.inviteesRegistered = row["invitees_registered"]
        self.createdAtMicros = row["created_at_us"]
        self.erasedAtMicros = row["erased_at_us"]
    }

    static func fetch(id: String, in db: Database) throws -> ConsumerRecord? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM consumer WHERE id = ?", arguments: [id])
            .map(ConsumerRecord.init(row:))
    }

    /// The consumer, which must exist and not be erased.
    static func fetchLive(id: String, in db: Database) throws -> ConsumerRecord {
        guard let record = try fetch(id: id, in: db) else { throw ConsumerError.consumerNotFound(id) }
        guard record.erasedAtMicros == nil else { throw ConsumerError.erased(id) }
        return record
    }

    var proto: Voucherd_V1_Consumer {
        var consumer = Voucherd_V1_Consumer()
        consumer.consumerID = id
        consumer.externalID = externalID ?? ""
        consumer.displayName = displayName
        consumer.phone = phone
        consumer.email = email
        consumer.inviteCode = inviteCode ?? ""
        consumer.referredByConsumerID = referredBy ?? ""
        consumer.tier = tier.rawValue
        consumer.createdAtMicros = createdAtMicros
        consumer.erasedAtMicros = erasedAtMicros ?? 0
        return consumer
    }
}
