import Foundation
import GRDB
import GRPCCore
import VoucherdModel
import VoucherdStore

// Refresh-token rotation, reuse detection and revocation.
extension AccountsModule {
    private enum RefreshOutcome: Sendable {
        case rotated
        case reused
        case invalid
    }

    private static let invalidRefreshToken = AccountsError.unauthenticated(
        "The refresh token is invalid, expired or revoked.")

    /// Rotates a refresh token. Presenting one that was already rotated revokes its family.
    func refreshToken(_ token: String) async throws -> Voucherd_V1_TokenPair {
        try AccountsValidation.required(token, "refresh_token", maximumLength: 256)
        let hash = AccountIdentifiers.hash(token)
        // Decoded inside the read: GRDB rows are not Sendable.
        let stored = try await environment.store.pool.read { db -> (subject: String, kind: String)? in
            try Row.fetchOne(
                db, sql: "SELECT subject, subject_kind FROM refresh_tokens WHERE token_hash = ?",
                arguments: [hash]
            ).map { row in (row["subject"], row["subject_kind"]) }
        }
        guard let stored, let kind = RefreshTokenIssue.SubjectKind(rawValue: stored.kind) else {
            throw Self.invalidRefreshToken
        }
        let subject = stored.subject
        // Resolved before the write: the consumer half answers asynchronously, and the new access
        // token should carry the principal's current role, scope and tier.
        let principal = try await currentPrincipal(subject: subject, kind: kind)
        let now = self.now
        let nowMicros = StoredTime.micros(now)
        let next = RefreshTokenIssue(now: now, lifetime: tokens.refreshTokenLifetime)
        let outcome = try await environment.writer.write { db -> RefreshOutcome in
            guard
                let state = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT family_id, api_key_id, expires_at_us, rotated_at_us, revoked_at_us
                        FROM refresh_tokens WHERE token_hash = ?
                        """,
                    arguments: [hash])
            else { return .invalid }
            let family: String = state["family_id"]
            if (state["revoked_at_us"] as Int64?) != nil { return .invalid }
            if (state["rotated_at_us"] as Int64?) != nil {
                // A rotated token came back: someone holds a copy. Revoke every descendant.
                try revokeFamily(family, reason: "reuse", actor: subject, now: now, in: db)
                return .reused
            }
            guard (state["expires_at_us"] as Int64) > nowMicros else { return .invalid }
            try db.execute(
                sql: "UPDATE refresh_tokens SET rotated_at_us = ? WHERE token_hash = ?",
                arguments: [nowMicros, hash])
            try next.insert(
                subject: subject, kind: kind, apiKeyID: state["api_key_id"], family: family, parent: hash, in: db)
            return .rotated
        }
        switch outcome {
        case .rotated:
            return try await tokenPair(for: principal, refresh: next, now: now)
        case .reused:
            throw AccountsError.unauthenticated(
                "The refresh token was already used; its session has been revoked. Log in again.")
        case .invalid:
            throw Self.invalidRefreshToken
        }
    }

    /// Revokes the family of `token`; answers how many of its tokens were still live.
    func revokeRefreshToken(_ token: String) async throws -> UInt32 {
        try AccountsValidation.required(token, "refresh_token", maximumLength: 256)
        let hash = AccountIdentifiers.hash(token)
        let now = self.now
        let revoked = try await environment.writer.write { db -> Int? in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT family_id, subject FROM refresh_tokens WHERE token_hash = ?",
                    arguments: [hash])
            else { return nil }
            return try revokeFamily(row["family_id"], reason: "logout", actor: row["subject"], now: now, in: db)
        }
        guard let revoked else { throw Self.invalidRefreshToken }
        return UInt32(clamping: revoked)
    }

    /// Marks every token of the family revoked; returns how many were still live.
    @discardableResult
    private func revokeFamily(
        _ family: String, reason: String, actor: String, now: Date, in db: Database
    ) throws -> Int {
        let nowMicros = StoredTime.micros(now)
        let live = try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM refresh_tokens WHERE family_id = ? AND rotated_at_us IS NULL
                AND revoked_at_us IS NULL AND expires_at_us > ?
                """,
            arguments: [family, nowMicros]) ?? 0
        try db.execute(
            sql: "UPDATE refresh_tokens SET revoked_at_us = ? WHERE family_id = ? AND revoked_at_us IS NULL",
            arguments: [nowMicros, family])
        if db.changesCount > 0 {
            try recordChange(
                type: "identity.session.revoked", action: "session.revoke", subject: family, actor: actor,
                attributes: ["reason": reason], now: now, in: db)
        }
        return live
    }

    /// The principal a refresh token's subject has now.
    private func currentPrincipal(
        subject: String, kind: RefreshTokenIssue.SubjectKind
    ) async throws -> Principal {
        switch kind {
        case .account:
            let account = try await environment.store.pool.read { db in try AccountRecord.fetch(id: subject, in: db) }
            guard let account else { throw Self.invalidRefreshToken }
            return account.principal
        case .service:
            let exists = try await environment.store.pool.read { db in
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM service_accounts WHERE service_account_id = ?)",
                    arguments: [subject]) ?? false
            }
            guard exists else { throw Self.invalidRefreshToken }
            return Principal(subject: subject, role: .service)
        case .consumer:
            do {
                return try await consumers.tokenPrincipal(consumerID: subject)
            } catch let error as RPCError where error.code == .notFound || error.code == .failedPrecondition {
                // An erased or removed consumer's sessions end.
                throw Self.invalidRefreshToken
            }
        }
    }
}
