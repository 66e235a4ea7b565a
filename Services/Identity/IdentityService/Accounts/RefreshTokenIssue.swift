import Foundation
import GRDB

/// A new refresh token: the secret handed out once, and what is stored (its SHA-256 only).
struct RefreshTokenIssue: Sendable {
    /// What a refresh token's subject is, so a refresh can re-read its principal.
    enum SubjectKind: String, Sendable {
        case account, service, consumer
    }

    /// `rt_` and 256 random bits, base64url.
    let token: String
    let hash: Data
    let issuedAtMicros: Int64
    let expiresAtMicros: Int64

    init(now: Date, lifetime: Duration) {
        self.token = "rt_" + AccountIdentifiers.secret()
        self.hash = AccountIdentifiers.hash(self.token)
        self.issuedAtMicros = StoredTime.micros(now)
        self.expiresAtMicros = self.issuedAtMicros + max(1, StoredTime.micros(lifetime))
    }

    /// Stores the token as the first of a new family (a login), or as the successor of `parent`.
    func insert(
        subject: String, kind: SubjectKind, apiKeyID: String? = nil, family: String? = nil, parent: Data? = nil,
        in db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO refresh_tokens
                    (token_hash, family_id, parent_hash, subject, subject_kind, api_key_id, issued_at_us,
                     expires_at_us)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                hash, family ?? AccountIdentifiers.make("rtf"), parent, subject, kind.rawValue, apiKeyID, issuedAtMicros,
                expiresAtMicros,
            ])
    }
}
