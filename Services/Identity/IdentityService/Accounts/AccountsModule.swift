import Foundation
import GRDB
import GRPCCore
import Logging
import SwiftProtobuf
import VoucherdModel
import VoucherdStore

/// Merchants, staff, operators, service accounts and API keys; passwords and lockout; access and
/// refresh tokens; signing keys.
///
/// Handlers (in `IdentityService+Accounts.swift`) check roles and forward here. Every change runs
/// in one `writer.write` together with its audit entry and outbox event; slow work (password
/// hashing, signing) happens before or after that transaction, never inside it.
struct AccountsModule: Sendable {
    let environment: IdentityEnvironment
    let consumers: ConsumersModule
    let signingKeys = SigningKeyCache()

    init(environment: IdentityEnvironment, consumers: ConsumersModule) throws {
        self.environment = environment
        self.consumers = consumers
    }

    var tokens: TokenPolicy { environment.configuration.tokens }
    var passwords: PasswordPolicy { environment.configuration.passwords }
    var hasher: PasswordHasher { PasswordHasher(policy: passwords) }
    var now: Date { environment.now() }

    var signingKeySource: any SigningKeySource {
        AccountsSigningKeySource(module: self)
    }

    /// Creates the first operator if none exists.
    func bootstrapOperator(username: String, password: String) async throws -> Bool {
        try AccountsValidation.name(username, "username")
        try AccountsValidation.password(password, "password", policy: passwords)
        let exists = try await environment.store.pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE role = 'operator')") ?? false
        }
        if exists { return false }
        let passwordHash = try await hasher.hashOffPool(password)
        let now = self.now
        return try await environment.writer.write { db in
            // Checked again inside the transaction: another bootstrap may have won meanwhile.
            let exists = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE role = 'operator')") ?? false
            if exists { return false }
            let account = AccountRecord(
                accountID: AccountIdentifiers.make("acc"), username: username, role: .operator,
                merchantID: nil, displayName: "", passwordHash: passwordHash,
                createdAtMicros: StoredTime.micros(now))
            try account.insert(usernameField: "username", in: db)
            try recordChange(
                type: "identity.operator.created", action: "operator.bootstrap", subject: account.accountID,
                actor: "system", attributes: ["role": "operator"], now: now, in: db)
            return true
        }
    }

    /// Rotates the signing key when due, drops keys and refresh tokens that can no longer be used
    /// and purges expired idempotency records, every ``TokenPolicy/maintenanceInterval``.
    func runMaintenance() async throws {
        while !Task.isCancelled {
            do {
                try await maintainOnce()
            } catch is CancellationError {
                return
            } catch {
                environment.logger.error("identity maintenance failed", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: tokens.maintenanceInterval)
            } catch {
                return
            }
        }
    }

    /// One maintenance pass (the tests call it with a moved clock).
    func maintainOnce() async throws {
        try await loadSigningKeys(ensuringCurrent: true)
        let now = self.now
        if let current = signingKeys.currentRecord,
            StoredTime.micros(now) - current.createdAtMicros >= StoredTime.micros(tokens.rotationInterval)
        {
            _ = try await rotateSigningKey(actor: "system")
        }
        let nowMicros = StoredTime.micros(now)
        let idempotency = environment.idempotency
        try await environment.writer.write { db in
            try db.execute(
                sql: "DELETE FROM signing_keys WHERE publish_until_us IS NOT NULL AND publish_until_us < ?",
                arguments: [nowMicros])
            try db.execute(sql: "DELETE FROM refresh_tokens WHERE expires_at_us < ?", arguments: [nowMicros])
            _ = try idempotency.purgeExpired(now: now, in: db)
        }
        try await loadSigningKeys(ensuringCurrent: false)
    }

    /// Appends the audit entry and the outbox event of a change, inside the change's transaction.
    /// `attributes` must hold no personal data and no secrets: they go to analytics and the audit.
    func recordChange(
        type: String, action: String, subject: String, actor: String, attributes: [String: String],
        now: Date, in db: Database
    ) throws {
        var event = Voucherd_V1_DomainEvent()
        event.type = type
        event.subjectID = subject
        event.actor = actor
        event.occurredAtMicros = StoredTime.micros(now)
        event.attributes = attributes
        let payload: Data = try event.serializedBytes()
        try environment.outbox.append(
            producer: IdentityEnvironment.producer, type: type, payload: payload, now: now, in: db)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let details = try encoder.encode(attributes)
        try environment.audit.append(
            actor: actor, action: action, subject: subject, details: details, now: now, in: db)
    }
}

/// The published keys, read in process from the accounts module's cache.
struct AccountsSigningKeySource: SigningKeySource {
    let module: AccountsModule

    func currentKeys() async throws -> [PublishedSigningKey] {
        try await module.publishedSigningKeys().map { PublishedSigningKey(kid: $0.kid, publicKey: $0.publicKey) }
    }
}
