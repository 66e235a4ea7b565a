import Foundation
import GRDB
import VoucherdModel
import VoucherdStore

// Merchant onboarding: submission with the owner account, review, reading and listing.
extension AccountsModule {
    /// Submits a merchant for review together with its owner account.
    func createMerchant(_ request: Voucherd_V1_CreateMerchantRequest, actor: Principal) async throws
        -> Voucherd_V1_Merchant
    {
        try AccountsValidation.required(request.name, "name", maximumLength: 200)
        try AccountsValidation.email(request.contactEmail, "contact_email")
        try AccountsValidation.timeZone(request.timeZone, "time_zone")
        try AccountsValidation.maximum(request.region, "region", 32)
        try AccountsValidation.name(request.ownerUsername, "owner_username")
        try AccountsValidation.password(request.ownerPassword, "owner_password", policy: passwords)
        let passwordHash = try await hasher.hashOffPool(request.ownerPassword)
        let now = self.now
        let nowMicros = StoredTime.micros(now)
        var merchant = MerchantRecord(
            merchantID: AccountIdentifiers.make("mer"), name: request.name, contactEmail: request.contactEmail,
            timeZone: request.timeZone, region: request.region, createdAtMicros: nowMicros)
        let owner = AccountRecord(
            accountID: AccountIdentifiers.make("acc"), username: request.ownerUsername, role: .merchant,
            merchantID: merchant.merchantID, displayName: "", passwordHash: passwordHash,
            createdAtMicros: nowMicros)
        merchant.ownerAccountID = owner.accountID
        let created = merchant
        try await environment.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO merchants
                        (merchant_id, name, contact_email, time_zone, region, status, created_at_us)
                    VALUES (?, ?, ?, ?, ?, 'submitted', ?)
                    """,
                arguments: [
                    created.merchantID, created.name, created.contactEmail, created.timeZone, created.region,
                    nowMicros,
                ])
            try owner.insert(usernameField: "owner_username", in: db)
            try db.execute(
                sql: "UPDATE merchants SET owner_account_id = ? WHERE merchant_id = ?",
                arguments: [owner.accountID, created.merchantID])
            try recordChange(
                type: "identity.merchant.created", action: "merchant.create", subject: created.merchantID,
                actor: actor.subject, attributes: ["status": "submitted", "region": created.region],
                now: now, in: db)
        }
        return created.proto
    }

    /// Approves or rejects a submitted merchant.
    func reviewMerchant(_ request: Voucherd_V1_ReviewMerchantRequest, actor: Principal) async throws
        -> Voucherd_V1_Merchant
    {
        try AccountsValidation.id(request.merchantID, "merchant_id", prefix: "mer")
        guard request.decision == .approved || request.decision == .rejected,
            let decision = MerchantRecord.name(of: request.decision)
        else {
            throw AccountsError.invalidArgument(
                field: "decision", reason: "must be MERCHANT_STATUS_APPROVED or MERCHANT_STATUS_REJECTED.")
        }
        if request.decision == .rejected {
            try AccountsValidation.required(request.reason, "reason", maximumLength: 500)
        } else {
            try AccountsValidation.maximum(request.reason, "reason", 500)
        }
        let now = self.now
        let nowMicros = StoredTime.micros(now)
        return try await environment.writer.write { db in
            guard var merchant = try MerchantRecord.fetch(id: request.merchantID, in: db) else {
                throw AccountsError.notFound(field: "merchant_id", id: request.merchantID)
            }
            guard merchant.status == .submitted else {
                throw AccountsError.failedPrecondition(
                    "merchant_id: '\(merchant.merchantID)' was already reviewed "
                        + "(\(MerchantRecord.name(of: merchant.status) ?? "unknown")).")
            }
            try db.execute(
                sql: """
                    UPDATE merchants SET status = ?, review_reason = ?, reviewed_by = ?, reviewed_at_us = ?
                    WHERE merchant_id = ? AND status = 'submitted'
                    """,
                arguments: [decision, request.reason, actor.subject, nowMicros, merchant.merchantID])
            merchant.status = request.decision
            merchant.reviewReason = request.reason
            merchant.reviewedBy = actor.subject
            merchant.reviewedAtMicros = nowMicros
            try recordChange(
                type: "identity.merchant.reviewed", action: "merchant.review", subject: merchant.merchantID,
                actor: actor.subject, attributes: ["status": decision], now: now, in: db)
            return merchant.proto
        }
    }

    /// One merchant; the caller's scope has been checked by the handler.
    func getMerchant(id: String) async throws -> Voucherd_V1_Merchant {
        let merchant = try await environment.store.pool.read { db in try MerchantRecord.fetch(id: id, in: db) }
        guard let merchant else { throw AccountsError.notFound(field: "merchant_id", id: id) }
        return merchant.proto
    }

    /// A page of merchants, newest first. The page token is the last row's (created, id),
    /// base64url-encoded: opaque to callers, stable under inserts.
    func listMerchants(_ request: Voucherd_V1_ListMerchantsRequest) async throws
        -> Voucherd_V1_ListMerchantsResponse
    {
        var status: String?
        if request.status != .unspecified {
            guard let name = MerchantRecord.name(of: request.status) else {
                throw AccountsError.invalidArgument(field: "status", reason: "unknown merchant status.")
            }
            status = name
        }
        let pageSize = try AccountsValidation.pageSize(request.pageSize, "page_size")
        var after: (Int64, String)?
        if !request.pageToken.isEmpty {
            guard let data = AccountIdentifiers.fromBase64URL(request.pageToken),
                let text = String(data: data, encoding: .utf8),
                let bar = text.firstIndex(of: "|"), let created = Int64(text[..<bar])
            else { throw AccountsError.invalidArgument(field: "page_token", reason: "is not a valid page token.") }
            after = (created, String(text[text.index(after: bar)...]))
        }
        let cursor = after
        let filter = status
        let rows = try await environment.store.pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let filter {
                conditions.append("status = ?")
                arguments += [filter]
            }
            if let cursor {
                conditions.append("(created_at_us < ? OR (created_at_us = ? AND merchant_id < ?))")
                arguments += [cursor.0, cursor.0, cursor.1]
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [pageSize + 1]
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(MerchantRecord.columns) FROM merchants \(whereClause)
                    ORDER BY created_at_us DESC, merchant_id DESC LIMIT ?
                    """,
                arguments: arguments
            ).map(MerchantRecord.init(row:))
        }
        var response = Voucherd_V1_ListMerchantsResponse()
        response.merchants = rows.prefix(pageSize).map(\.proto)
        if rows.count > pageSize, let last = rows.prefix(pageSize).last {
            response.nextPageToken = AccountIdentifiers.base64URL(
                Data("\(last.createdAtMicros)|\(last.merchantID)".utf8))
        }
        return response
    }
}
