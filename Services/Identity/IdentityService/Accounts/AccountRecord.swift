import Foundation
import GRDB
import VoucherdModel

/// A staff, merchant-owner or operator account as stored.
struct AccountRecord: Sendable, Hashable {
    var accountID: String
    var username: String
    var role: Role
    var merchantID: String?
    var displayName: String
    var passwordHash: String
    var failedLogins: Int
    var lockedUntilMicros: Int64?
    var createdAtMicros: Int64

    static let columns = """
        account_id, username, role, merchant_id, display_name, password_hash, failed_logins,
        locked_until_us, created_at_us
        """

    init(
        accountID: String, username: String, role: Role, merchantID: String?, displayName: String,
        passwordHash: String, createdAtMicros: Int64
    ) {
        self.accountID = accountID
        self.username = username
        self.role = role
        self.merchantID = merchantID
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.failedLogins = 0
        self.lockedUntilMicros = nil
        self.createdAtMicros = createdAtMicros
    }

    init(row: Row) throws {
        let roleName: String = row["role"]
        guard let role = Role(rawValue: roleName) else {
            throw AccountsInternalError.inconsistent("account with unknown role \(roleName)")
        }
        self.accountID = row["account_id"]
        self.username = row["username"]
        self.role = role
        self.merchantID = row["merchant_id"]
        self.displayName = row["display_name"]
        self.passwordHash = row["password_hash"]
        self.failedLogins = row["failed_logins"]
        self.lockedUntilMicros = row["locked_until_us"]
        self.createdAtMicros = row["created_at_us"]
    }

    static func fetch(username: String, in db: Database) throws -> AccountRecord? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM accounts WHERE username = ?", arguments: [username])
            .map(AccountRecord.init(row:))
    }

    static func fetch(id: String, in db: Database) throws -> AccountRecord? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM accounts WHERE account_id = ?", arguments: [id])
            .map(AccountRecord.init(row:))
    }

    /// Inserts the account, refusing a taken username with ``AccountsError/alreadyExists(field:value:)``
    /// naming `usernameField`.
    func insert(usernameField: String, in db: Database) throws {
        let taken = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE username = ?)", arguments: [username]) ?? false
        if taken { throw AccountsError.alreadyExists(field: usernameField, value: username) }
        try db.execute(
            sql: """
                INSERT INTO accounts
                    (account_id, username, role, merchant_id, display_name, password_hash, created_at_us)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                accountID, username, role.rawValue, merchantID, displayName, passwordHash, createdAtMicros,
            ])
    }

    /// The principal an access token for this account carries.
    var principal: Principal {
        Principal(subject: accountID, role: role, merchantID: merchantID)
    }

    /// The account as the API shows it (never the password hash).
    func proto(nowMicros: Int64) -> Voucherd_V1_Account {
        var account = Voucherd_V1_Account()
        account.accountID = accountID
        account.username = username
        account.role = role.rawValue
        account.merchantID = merchantID ?? ""
        account.displayName = displayName
        account.createdAtMicros = createdAtMicros
        if let locked = lockedUntilMicros, locked > nowMicros { account.lockedUntilMicros = locked }
        return account
    }
}
