import Crypto
import Foundation
import GRDB
import JWTKit
import VoucherdModel
import VoucherdStore

// Signing keys: created on first use, rotated on demand and by maintenance, published until the
// last token they signed has expired.
extension AccountsModule {
    /// The keys to publish now: the current one first, then retired ones still in their window.
    func publishedSigningKeys() async throws -> [SigningKeyRecord] {
        if signingKeys.signer == nil { try await loadSigningKeys(ensuringCurrent: true) }
        return signingKeys.published(nowMicros: StoredTime.micros(now))
    }

    /// The key that signs new tokens, creating the first one if the store has none.
    func currentSigner() async throws -> SigningKeyCache.Signer {
        if let signer = signingKeys.signer { return signer }
        try await loadSigningKeys(ensuringCurrent: true)
        guard let signer = signingKeys.signer else {
            throw AccountsInternalError.inconsistent("no current signing key after loading")
        }
        return signer
    }

    /// Retires the current key (keeping it published for its tokens' lifetime) and starts
    /// signing with a new one.
    @discardableResult
    func rotateSigningKey(actor: String) async throws -> [SigningKeyRecord] {
        let newKey = Curve25519.Signing.PrivateKey()
        let kid = AccountIdentifiers.make("sk")
        let now = self.now
        let nowMicros = StoredTime.micros(now)
        let publishUntil = nowMicros + StoredTime.micros(tokens.accessTokenLifetime)
            + StoredTime.micros(tokens.publishLeeway)
        try await environment.writer.write { db in
            let retired = try String.fetchOne(
                db, sql: "SELECT kid FROM signing_keys WHERE retired_at_us IS NULL")
            try db.execute(
                sql: """
                    UPDATE signing_keys SET retired_at_us = ?, publish_until_us = ?
                    WHERE retired_at_us IS NULL
                    """,
                arguments: [nowMicros, publishUntil])
            try insertSigningKey(kid: kid, key: newKey, nowMicros: nowMicros, in: db)
            try recordChange(
                type: "identity.signing_key.rotated", action: "signing_key.rotate", subject: kid,
                actor: actor, attributes: ["retired_kid": retired ?? ""], now: now, in: db)
        }
        try await loadSigningKeys(ensuringCurrent: false)
        return signingKeys.published(nowMicros: nowMicros)
    }

    /// Reads the keys from the store into the cache; with `ensuringCurrent`, first creates a
    /// current key if there is none (a fresh store).
    func loadSigningKeys(ensuringCurrent: Bool) async throws {
        var snapshot = try await readSigningKeys()
        if snapshot.current == nil, ensuringCurrent {
            let key = Curve25519.Signing.PrivateKey()
            let kid = AccountIdentifiers.make("sk")
            let now = self.now
            try await environment.writer.write { db in
                // Another caller may have created it since we read.
                let exists = try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM signing_keys WHERE retired_at_us IS NULL)") ?? false
                if exists { return }
                try insertSigningKey(kid: kid, key: key, nowMicros: StoredTime.micros(now), in: db)
                try recordChange(
                    type: "identity.signing_key.created", action: "signing_key.create", subject: kid,
                    actor: "system", attributes: [:], now: now, in: db)
            }
            snapshot = try await readSigningKeys()
        }
        var signer: SigningKeyCache.Signer?
        if let current = snapshot.current {
            let privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: current.privateKey)
            let keys = JWTKeyCollection()
            await keys.add(eddsa: EdDSA.PrivateKey(backing: privateKey), kid: JWKIdentifier(string: current.kid))
            signer = SigningKeyCache.Signer(kid: current.kid, keys: keys, rowID: current.rowID)
        }
        signingKeys.install(SigningKeyCache.Snapshot(signer: signer, records: snapshot.records))
    }

    private struct StoredKeys: Sendable {
        struct Current: Sendable {
            var kid: String
            var privateKey: Data
            var rowID: Int64
        }
        var current: Current?
        var records: [SigningKeyRecord]
    }

    private func readSigningKeys() async throws -> StoredKeys {
        try await environment.store.pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT rowid, kid, private_key, public_key, created_at_us, retired_at_us, publish_until_us
                    FROM signing_keys ORDER BY created_at_us DESC, rowid DESC
                    """)
            var stored = StoredKeys(current: nil, records: [])
            for row in rows {
                let record = SigningKeyRecord(
                    kid: row["kid"], publicKey: row["public_key"], createdAtMicros: row["created_at_us"],
                    retiredAtMicros: row["retired_at_us"], publishUntilMicros: row["publish_until_us"])
                stored.records.append(record)
                if record.retiredAtMicros == nil {
                    stored.current = .init(kid: record.kid, privateKey: row["private_key"], rowID: row["rowid"])
                }
            }
            return stored
        }
    }

    private func insertSigningKey(
        kid: String, key: Curve25519.Signing.PrivateKey, nowMicros: Int64, in db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO signing_keys (kid, private_key, public_key, created_at_us)
                VALUES (?, ?, ?, ?)
                """,
            arguments: [kid, key.rawRepresentation, key.publicKey.rawRepresentation, nowMicros])
    }
}
