public import VoucherdStore

/// The identity service's own tables, after the store's (idempotency, outbox, audit).
///
/// Migrations are named `v<N>_<what>` and never edited once landed; add a new one instead.
public enum IdentitySchema {
    /// Every migration, in order.
    public static let migrations: [StoreMigration] = ConsumerSchema.migrations + AccountSchema.migrations
}
