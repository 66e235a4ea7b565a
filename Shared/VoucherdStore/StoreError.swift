/// Errors raised by the store itself (not by SQLite, whose `DatabaseError`s pass through).
public enum StoreError: Error, Equatable, Sendable {
    /// A migration name does not follow `v<N>_<what>` (lowercase letters, digits, underscores).
    case invalidMigrationName(String)
    /// Two migrations share a name, across the store's own set and the service's.
    case duplicateMigrationName(String)
    /// A configuration value is out of range; the string names it.
    case invalidConfiguration(String)
}
