import GRDB
import VoucherdModel
import VoucherdStore

// PIPL: consents (history kept), export of everything held, erasure of personal data.
extension ConsumersModule {
    func recordConsent(_ request: Voucherd_V1_RecordConsentRequest, by principal: Principal) async throws
        -> Voucherd_V1_Consent
    {
        try ConsumerInput.consumerID(request.consumerID)
        try ConsumerInput.purpose(request.purpose)
        try ConsumerInput.policyVersion(request.policyVersion)
        let micros = nowMicros()
        return try await environment.writer.write { db in
            let consumer = try ConsumerRecord.fetchLive(id: request.consumerID, in: db)
            // Every record is a new row: the history of grants and withdrawals is the evidence.
            try db.execute(
                sql: """
                    INSERT INTO consumer_consent (consumer_id, purpose, policy_version, granted, recorded_at_us)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [consumer.id, request.purpose, request.policyVersion, request.granted, micros])
            try recordChange(
                "identity.consent.recorded", subject: consumer.id, actor: principal.subject,
                attributes: [
                    "purpose": request.purpose, "policy_version": request.policyVersion,
                    "granted": request.granted ? "true" : "false",
                ],
                at: micros, in: db)
            var consent = Voucherd_V1_Consent()
            consent.consumerID = consumer.id
            consent.purpose = request.purpose
            consent.policyVersion = request.policyVersion
            consent.granted = request.granted
            consent.recordedAtMicros = micros
            return consent
        }
    }

    func listConsents(_ request: Voucherd_V1_ListConsentsRequest) async throws -> Voucherd_V1_ListConsentsResponse {
        try ConsumerInput.consumerID(request.consumerID)
        return try await environment.store.pool.read { db in
            let consumer = try ConsumerRecord.fetchLive(id: request.consumerID, in: db)
            var response = Voucherd_V1_ListConsentsResponse()
            response.consents = try consents(of: consumer.id, in: db)
            return response
        }
    }

    func exportConsumerData(_ request: Voucherd_V1_ExportConsumerDataRequest) async throws
        -> Voucherd_V1_ConsumerDataExport
    {
        try ConsumerInput.consumerID(request.consumerID)
        let micros = nowMicros()
        // One read transaction, so every part of the export describes the same moment.
        return try await environment.store.pool.read { db in
            let consumer = try ConsumerRecord.fetchLive(id: request.consumerID, in: db)
            var export = Voucherd_V1_ConsumerDataExport()
            export.consumer = consumer.proto
            export.member = try member(of: consumer, in: db)
            export.pointsEntries = try Row.fetchAll(
                db, sql: "SELECT \(PointsEntryRow.columns) FROM points_entry WHERE ledger_account = ? ORDER BY position",
                arguments: [consumer.ledgerAccount]
            ).map(PointsEntryRow.entry)
            export.devices = try devices(of: consumer.id, in: db)
            export.consents = try consents(of: consumer.id, in: db)
            export.referral = try referralStatus(of: consumer, in: db)
            export.exportedAtMicros = micros
            return export
        }
    }

    func eraseConsumer(_ request: Voucherd_V1_EraseConsumerRequest, by principal: Principal) async throws
        -> Voucherd_V1_EraseConsumerResponse
    {
        try ConsumerInput.consumerID(request.consumerID)
        try ConsumerInput.text(request.reason, field: "reason", maximum: 200)
        let micros = nowMicros()
        return try await environment.writer.write { db in
            guard let consumer = try ConsumerRecord.fetch(id: request.consumerID, in: db) else {
                throw ConsumerError.consumerNotFound(request.consumerID)
            }
            let entries = try Int64.fetchOne(
                db, sql: "SELECT COUNT(*) FROM points_entry WHERE ledger_account = ?",
                arguments: [consumer.ledgerAccount]) ?? 0
            var response = Voucherd_V1_EraseConsumerResponse()
            response.consumerID = consumer.id
            response.anonymizedPointsEntries = UInt32(clamping: entries)
            // Erasing twice answers like the first time: a retried erasure must not fail.
            if let erasedAt = consumer.erasedAtMicros {
                response.erasedAtMicros = erasedAt
                return response
            }
            // The ledger keeps its rows (totals must add up) under the random ledger account;
            // only the link to the person goes. Tier history and reward commands keep the
            // consumer id, which now names an anonymous row.
            try db.execute(sql: "UPDATE points_entry SET consumer_id = NULL WHERE ledger_account = ?",
                           arguments: [consumer.ledgerAccount])
            try db.execute(sql: "DELETE FROM consumer_device WHERE consumer_id = ?", arguments: [consumer.id])
            try db.execute(sql: "UPDATE consumer_consent SET consumer_id = NULL WHERE consumer_id = ?",
                           arguments: [consumer.id])
            try db.execute(
                sql: """
                    UPDATE consumer SET external_id = NULL, display_name = '', phone = '', email = '',
                        invite_code = NULL, referred_by = NULL, erased_at_us = ?
                    WHERE id = ?
                    """,
                arguments: [micros, consumer.id])
            try recordChange(
                "identity.consumer.erased", subject: consumer.id, actor: principal.subject,
                attributes: ["anonymized_points_entries": "\(entries)"],
                auditDetails: ["reason": request.reason], at: micros, in: db)
            response.erasedAtMicros = micros
            return response
        }
    }

    func consents(of consumerID: String, in db: Database) throws -> [Voucherd_V1_Consent] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT consumer_id, purpose, policy_version, granted, recorded_at_us FROM consumer_consent
                WHERE consumer_id = ? ORDER BY position
                """,
            arguments: [consumerID]
        ).map { row in
            var consent = Voucherd_V1_Consent()
            consent.consumerID = row["consumer_id"]
            consent.purpose = row["purpose"]
            consent.policyVersion = row["policy_version"]
            consent.granted = row["granted"]
            consent.recordedAtMicros = row["recorded_at_us"]
            return consent
        }
    }
}
