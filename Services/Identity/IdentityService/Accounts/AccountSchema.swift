import VoucherdStore

/// Tables for merchants, accounts, service accounts, API keys, refresh tokens and signing keys.
enum AccountSchema {
    static let migrations: [StoreMigration] = []
}
