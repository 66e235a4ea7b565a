public import GRDB

/// One versioned schema change, run once by GRDB's `DatabaseMigrator` when the store opens.
///
/// Names follow `v<N>_<what>`, e.g. `v1_accounts`; the store's own migrations use
/// `v<N>_store_<what>`, so services should not use the `store_` prefix.
public struct StoreMigration: Sendable {
    /// The migration identifier recorded in `grdb_migrations`.
    public let name: String
    /// The schema change; runs inside a transaction with deferred foreign-key checks.
    public let migrate: @Sendable (Database) throws -> Void

    /// Creates a migration.
    ///
    /// - Parameters:
    ///   - name: `v<N>_<what>`; validated when the store opens.
    ///   - migrate: The schema change.
    public init(_ name: String, migrate: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.migrate = migrate
    }

    /// Whether `name` matches `v<N>_<what>` with `<what>` made of lowercase letters, digits
    /// and underscores.
    public static func isValidName(_ name: String) -> Bool {
        var rest = Substring(name)
        guard rest.first == "v" else { return false }
        rest = rest.dropFirst()
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return false }
        rest = rest.dropFirst(digits.count)
        guard rest.first == "_" else { return false }
        rest = rest.dropFirst()
        return !rest.isEmpty && rest.allSatisfy { character in
            character.isASCII && (character.isLowercase || character.isNumber || character == "_")
        }
    }
}
