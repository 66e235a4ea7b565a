import Foundation
import GRDB
import VoucherdModel
import VoucherdStore

// Service accounts, their API keys, and the audit-log check.
extension AccountsModule {
    /// A new API key: `<key_id>.<secret>`; the id makes lookup direct, only the secret's
    /// SHA-256 is stored.
    private struct NewApiKey: Sendable {
        let keyID = AccountIdentifiers.make("key")
        let secret = AccountIdentifiers.secret()
        var apiKey: String { "\(keyID).\(secret)" }

        func info(serviceAccountID: String, createdAtMicros: Int64) -> Voucherd_V1_ApiKeyInfo {
            var info = Voucherd_V1_ApiKeyInfo()
            info.keyID = keyID
            info.serviceAccountID = serviceAccountID
            info.createdAtMicros = createdAtMicros
            return info
        }

        func insert(serviceAccountID: String, nowMicros: Int64, in db: Database) throws {
            try db.execute(
                sql: """
                    INSERT INTO api_keys (key_id, service_account_id, secret_hash, created_at_us)
                    VALUES (?, ?, ?, ?)
                    """,
                arguments: [keyID, serviceAccountID, AccountIdentifiers.hash(secret), nowMicros])
        }
    }

    func createServiceAccount(_ request: Voucherd_V1_CreateServiceAccountRequest, actor: Principal) async throws
        -> Voucherd_V1_CreateServiceAccountResponse
    {
        try AccountsValidation.name(request.name, "name")
        try AccountsValidation.maximum(request.description_p, "description", 500)
        let now = self.now
        let nowMicros = StoredTime.micros(now)
        var account = Voucherd_V1_ServiceAccount()
        account.serviceAccountID = AccountIdentifiers.make("svc")
        account.name = request.name
        account.description_p = request.description_p
        account.createdAtMicros = nowMicros
        let created = account
        let key = NewApiKey()
        try await environment.writer.write { db in
            let taken = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM service_accounts WHERE name = ?)",
                arguments: [created.name]) ?? false
            if taken { throw AccountsError.alreadyExists(field: "name", value: created.name) }
            try db.execute(
                sql: """
                    INSERT INTO service_accounts (service_account_id, name, description, created_at_us)
                    VALUES (?, ?, ?, ?)
                    """,
                arguments: [created.serviceAccountID, created.name, created.description_p, nowMicros])
            try key.insert(serviceAccountID: created.serviceAccountID, nowMicros: nowMicros, in: db)
            try recordChange(
                type: "identity.service_account.created", action: "service_account.create",
                subject: created.serviceAccountID, actor: actor.subject, attributes: ["key_id": key.keyID],
                now: now, in: db)
        }
        var response = Voucherd_V1_CreateServiceAccountResponse()
        response.serviceAccount = created
        response.key = key.info(serviceAccountID: created.serviceAccountID, createdAtMicros: nowMicros)
        response.apiKey = key.apiKey
        return response
    }

    func createApiKey(serviceAccountID: String, actor: Principal) async throws -> Voucherd_V1_CreateApiKeyResponse {
        try AccountsValidation.id(serviceAccountID, "service_account_id", prefix: "svc")
        let now = self.now
        let nowMicros = StoredTime.micros(now)
        let key = NewApiKey()
        try await environment.writer.write { db in
            let exists = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM service_accounts WHERE service_account_id = ?)",
                arguments: [serviceAccountID]) ?? false
            guard exists else { throw AccountsError.notFound(field: "service_account_id", id: serviceAccountID) }
            try key.insert(serviceAccountID: serviceAccountID, nowMicros: nowMicros, in: db)
            try recordChange(
                type: "identity.api_key.created", action: "api_key.create", subject: key.keyID,
                actor: actor.subject, attributes: ["service_account_id": serviceAccountID], now: now, in: db)
        }
        var response = Voucherd_V1_CreateApiKeyResponse()
        response.key = key.info(serviceAccountID: serviceAccountID, createdAtMicros: nowMicros)
        response.apiKey = key.apiKey
        return response
    }

    /// Revokes a key at once; revoking a revoked key answers it unchanged.
    func revokeApiKey(keyID: String, actor: Principal) async throws -> Voucherd_V1_RevokeApiKeyResponse {
        try AccountsValidation.id(keyID, "key_id", prefix: "key")
        let now = self.now
        let nowMicros = StoredTime.micros(now)
        let info = try await environment.writer.write { db -> Voucherd_V1_ApiKeyInfo in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT service_account_id, created_at_us, revoked_at_us FROM api_keys WHERE key_id = ?",
                    arguments: [keyID])
            else { throw AccountsError.notFound(field: "key_id", id: keyID) }
            var info = Voucherd_V1_ApiKeyInfo()
            info.keyID = keyID
            info.serviceAccountID = row["service_account_id"]
            info.createdAtMicros = row["created_at_us"]
            if let revoked = row["revoked_at_us"] as Int64? {
                info.revokedAtMicros = revoked
                return info
            }
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at_us = ? WHERE key_id = ?", arguments: [nowMicros, keyID])
            info.revokedAtMicros = nowMicros
            // Sessions obtained with the key end with it.
            try db.execute(
                sql: "UPDATE refresh_tokens SET revoked_at_us = ? WHERE api_key_id = ? AND revoked_at_us IS NULL",
                arguments: [nowMicros, keyID])
            try recordChange(
                type: "identity.api_key.revoked", action: "api_key.revoke", subject: keyID, actor: actor.subject,
                attributes: ["service_account_id": info.serviceAccountID], now: now, in: db)
            return info
        }
        var response = Voucherd_V1_RevokeApiKeyResponse()
        response.key = info
        return response
    }

    /// Walks the audit chain.
    func verifyAuditLog() async throws -> Voucherd_V1_VerifyAuditLogResponse {
        let audit = environment.audit
        let (verification, count) = try await environment.store.pool.read { db in
            let verification = try audit.verify(in: db)
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM store_audit") ?? 0
            return (verification, count)
        }
        var response = Voucherd_V1_VerifyAuditLogResponse()
        response.entries = UInt64(max(0, count))
        switch verification {
        case .intact:
            response.valid = true
        case .broken(let sequence, _):
            response.valid = false
            response.firstInvalidSequence = UInt64(max(0, sequence))
        }
        return response
    }
}
