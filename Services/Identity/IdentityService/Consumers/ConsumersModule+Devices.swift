import GRDB
import VoucherdModel
import VoucherdStore

// Device fingerprints and the referral status.
extension ConsumersModule {
    func bindDevice(_ request: Voucherd_V1_BindDeviceRequest, by principal: Principal) async throws -> Voucherd_V1_Device {
        try ConsumerInput.consumerID(request.consumerID)
        try ConsumerInput.fingerprint(request.fingerprint)
        try ConsumerInput.text(request.label, field: "label", maximum: 100)
        let micros = nowMicros()
        return try await environment.writer.write { db in
            let consumer = try ConsumerRecord.fetchLive(id: request.consumerID, in: db)
            let existed = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM consumer_device WHERE consumer_id = ? AND fingerprint = ?)",
                arguments: [consumer.id, request.fingerprint]) ?? false
            // A refresh keeps the first-seen time and the label unless a new label is given.
            try db.execute(
                sql: """
                    INSERT INTO consumer_device (consumer_id, fingerprint, label, first_seen_us, last_seen_us)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (consumer_id, fingerprint) DO UPDATE SET
                        last_seen_us = MAX(last_seen_us, excluded.last_seen_us),
                        label = CASE WHEN excluded.label = '' THEN label ELSE excluded.label END
                    """,
                arguments: [consumer.id, request.fingerprint, request.label, micros, micros])
            try recordChange(
                existed ? "identity.device.seen" : "identity.device.bound", subject: consumer.id,
                actor: principal.subject, attributes: [:], at: micros, in: db)
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM consumer_device WHERE consumer_id = ? AND fingerprint = ?",
                arguments: [consumer.id, request.fingerprint])
            else { throw ConsumersStoreError.rowVanished }
            return Self.device(row)
        }
    }

    func listDevices(_ request: Voucherd_V1_ListDevicesRequest) async throws -> Voucherd_V1_ListDevicesResponse {
        try ConsumerInput.consumerID(request.consumerID)
        return try await environment.store.pool.read { db in
            let consumer = try ConsumerRecord.fetchLive(id: request.consumerID, in: db)
            var response = Voucherd_V1_ListDevicesResponse()
            response.devices = try devices(of: consumer.id, in: db)
            return response
        }
    }

    func getReferralStatus(_ request: Voucherd_V1_GetReferralStatusRequest) async throws -> Voucherd_V1_ReferralStatus {
        try ConsumerInput.consumerID(request.consumerID)
        return try await environment.store.pool.read { db in
            try referralStatus(of: ConsumerRecord.fetchLive(id: request.consumerID, in: db), in: db)
        }
    }

    func devices(of consumerID: String, in db: Database) throws -> [Voucherd_V1_Device] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM consumer_device WHERE consumer_id = ? ORDER BY first_seen_us, fingerprint",
            arguments: [consumerID]
        ).map(Self.device)
    }

    func referralStatus(of consumer: ConsumerRecord, in db: Database) throws -> Voucherd_V1_ReferralStatus {
        var status = Voucherd_V1_ReferralStatus()
        status.consumerID = consumer.id
        status.inviteCode = consumer.inviteCode ?? ""
        status.inviteesRegistered = UInt32(clamping: consumer.inviteesRegistered)
        status.rewardsGranted = UInt32(
            clamping: try Int64.fetchOne(
                db, sql: "SELECT COUNT(*) FROM referral_reward WHERE consumer_id = ?", arguments: [consumer.id]) ?? 0)
        status.threshold = referrals.threshold
        status.reward.currency = referrals.rewardCurrency
        status.reward.minorUnits = referrals.rewardMinorUnits
        return status
    }

    private static func device(_ row: Row) -> Voucherd_V1_Device {
        var device = Voucherd_V1_Device()
        device.consumerID = row["consumer_id"]
        device.fingerprint = row["fingerprint"]
        device.label = row["label"]
        device.firstSeenMicros = row["first_seen_us"]
        device.lastSeenMicros = row["last_seen_us"]
        return device
    }
}
