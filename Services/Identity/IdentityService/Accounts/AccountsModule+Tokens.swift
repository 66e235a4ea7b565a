import Foundation
import GRDB
import GRPCCore
import JWTKit
import VoucherdModel
import VoucherdStore

// Credentials in, tokens out: login, API-key exchange, consumer tokens, and signing.
extension AccountsModule {
    /// Checks username and password (with lockout) and issues a token pair.
    func login(username: String, password: String) async throws -> Voucherd_V1_TokenPair {
        try AccountsValidation.required(username, "username", maximumLength: 64)
        try AccountsValidation.required(password, "password", maximumLength: passwords.maximumPasswordLength)
        let now = self.now
        let nowMicros = StoredTime.micros(now)
        let account = try await environment.store.pool.read { db in
            try AccountRecord.fetch(username: username, in: db)
        }
        if let until = account?.lockedUntilMicros, until > nowMicros {
            throw AccountsError.locked(until: StoredTime.date(until))
        }
        // Hashing happens here, off the writer. An unknown username costs one hash too, so the
        // answer's timing does not tell whether the user exists.
        guard let account else {
            _ = try? await hasher.hashOffPool(password)
            throw AccountsError.wrongCredentials
        }
        guard await hasher.verifyOffPool(password, against: account.passwordHash) else {
            try await recordFailedLogin(account, now: now)
            throw AccountsError.wrongCredentials
        }
        var rehash: String?
        if hasher.needsRehash(account.passwordHash) { rehash = try await hasher.hashOffPool(password) }
        let newHash = rehash
        let refresh = RefreshTokenIssue(now: now, lifetime: tokens.refreshTokenLifetime)
        try await environment.writer.write { db in
            if let rehash = newHash {
                try db.execute(
                    sql: "UPDATE accounts SET password_hash = ? WHERE account_id = ?",
                    arguments: [rehash, account.accountID])
            }
            try db.execute(
                sql: "UPDATE accounts SET failed_logins = 0, locked_until_us = NULL WHERE account_id = ?",
                arguments: [account.accountID])
            try refresh.insert(subject: account.accountID, kind: .account, in: db)
        }
        return try await tokenPair(for: account.principal, refresh: refresh, now: now)
    }

    /// Counts a failed login; the failure that reaches the limit locks the account.
    private func recordFailedLogin(_ account: AccountRecord, now: Date) async throws {
        let limit = max(1, passwords.maximumFailedLogins)
        let lockedUntil = StoredTime.micros(now) + StoredTime.micros(passwords.lockoutDuration)
        let locked = try await environment.writer.write { db -> Bool in
            try db.execute(
                sql: "UPDATE accounts SET failed_logins = failed_logins + 1 WHERE account_id = ?",
                arguments: [account.accountID])
            let failed = try Int.fetchOne(
                db, sql: "SELECT failed_logins FROM accounts WHERE account_id = ?",
                arguments: [account.accountID]) ?? 0
            guard failed >= limit else { return false }
            try db.execute(
                sql: "UPDATE accounts SET failed_logins = 0, locked_until_us = ? WHERE account_id = ?",
                arguments: [lockedUntil, account.accountID])
            try recordChange(
                type: "identity.account.locked", action: "account.lock", subject: account.accountID,
                actor: "system", attributes: ["role": account.role.rawValue, "failed_logins": "\(failed)"],
                now: now, in: db)
            return true
        }
        if locked { throw AccountsError.locked(until: StoredTime.date(lockedUntil)) }
    }

    /// Exchanges `<key_id>.<secret>` for a service-role token pair.
    func exchangeApiKey(_ apiKey: String) async throws -> Voucherd_V1_TokenPair {
        try AccountsValidation.required(apiKey, "api_key", maximumLength: 256)
        let invalid = AccountsError.unauthenticated("The API key is invalid or revoked.")
        guard let dot = apiKey.firstIndex(of: ".") else { throw invalid }
        let keyID = String(apiKey[..<dot])
        let presented = AccountIdentifiers.hash(String(apiKey[apiKey.index(after: dot)...]))
        // Decoded inside the read: GRDB rows are not Sendable.
        let stored = try await environment.store.pool.read {
            db -> (serviceAccountID: String, secretHash: Data, revokedAt: Int64?)? in
            try Row.fetchOne(
                db, sql: "SELECT service_account_id, secret_hash, revoked_at_us FROM api_keys WHERE key_id = ?",
                arguments: [keyID]
            ).map { row in (row["service_account_id"], row["secret_hash"], row["revoked_at_us"]) }
        }
        guard let stored, AccountIdentifiers.constantTimeEquals(presented, stored.secretHash),
            stored.revokedAt == nil
        else { throw invalid }
        let serviceAccountID = stored.serviceAccountID
        let now = self.now
        let refresh = RefreshTokenIssue(now: now, lifetime: tokens.refreshTokenLifetime)
        try await environment.writer.write { db in
            try refresh.insert(subject: serviceAccountID, kind: .service, apiKeyID: keyID, in: db)
        }
        return try await tokenPair(
            for: Principal(subject: serviceAccountID, role: .service), refresh: refresh, now: now)
    }

    /// Tokens for a consumer the calling service authenticated itself.
    func issueConsumerToken(consumerID: String, withRefreshToken: Bool) async throws -> Voucherd_V1_TokenPair {
        try AccountsValidation.required(consumerID, "consumer_id")
        let principal = try await consumers.tokenPrincipal(consumerID: consumerID)
        let now = self.now
        var refresh: RefreshTokenIssue?
        if withRefreshToken {
            let issue = RefreshTokenIssue(now: now, lifetime: tokens.refreshTokenLifetime)
            try await environment.writer.write { db in
                try issue.insert(subject: principal.subject, kind: .consumer, in: db)
            }
            refresh = issue
        }
        return try await tokenPair(for: principal, refresh: refresh, now: now)
    }

    /// Signs an access token for `principal` and pairs it with `refresh`.
    func tokenPair(
        for principal: Principal, refresh: RefreshTokenIssue?, now: Date
    ) async throws -> Voucherd_V1_TokenPair {
        let signer = try await currentSigner()
        let expiresAt = now.addingTimeInterval(StoredTime.seconds(tokens.accessTokenLifetime))
        let claims = AccessTokenClaims(
            principal: principal, issuer: tokens.issuer, audience: tokens.audience, issuedAt: now,
            expiresAt: expiresAt)
        var pair = Voucherd_V1_TokenPair()
        pair.accessToken = try await signer.keys.sign(claims, kid: JWKIdentifier(string: signer.kid))
        pair.accessTokenExpiresAtMicros = StoredTime.micros(expiresAt)
        if let refresh {
            pair.refreshToken = refresh.token
            pair.refreshTokenExpiresAtMicros = refresh.expiresAtMicros
        }
        pair.principal = Self.principalInfo(principal)
        return pair
    }

    static func principalInfo(_ principal: Principal) -> Voucherd_V1_PrincipalInfo {
        var info = Voucherd_V1_PrincipalInfo()
        info.subject = principal.subject
        info.role = principal.role.rawValue
        info.merchantID = principal.merchantID ?? ""
        info.tier = principal.tier ?? ""
        return info
    }
}
