public import VoucherdStore

/// The issuance service's own tables, after the store's (idempotency, outbox, audit).
///
/// Migrations are named `v<N>_<what>` and never edited once landed; add a new one instead.
public enum IssuanceSchema {
    /// Every migration, in order.
    public static let migrations: [StoreMigration] = []
}
