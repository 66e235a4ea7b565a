import VoucherdStore

/// Tables for consumers, tiers, the points ledger, devices, referrals and consents.
enum ConsumerSchema {
    static let migrations: [StoreMigration] = []
}
