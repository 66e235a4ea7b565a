import GRDB
import VoucherdModel
import VoucherdStore

// Find-or-create by external id, invite-code linking and referral rewards.
extension ConsumersModule {
    func registerConsumer(
        _ request: Voucherd_V1_RegisterConsumerRequest, by principal: Principal
    ) async throws -> Voucherd_V1_RegisterConsumerResponse {
        try ConsumerInput.text(request.externalID, field: "external_id", maximum: 128, required: true)
        try ConsumerInput.text(request.displayName, field: "display_name", maximum: 100)
        if !request.phone.isEmpty { try ConsumerInput.phone(request.phone) }
        if !request.email.isEmpty { try ConsumerInput.email(request.email) }
        let inviteCode = try Self.validatedInviteCode(request.inviteCode)
        let micros = nowMicros()
        return try await environment.writer.write { db in
            if let existing = try Row.fetchOne(
                db, sql: "SELECT \(ConsumerRecord.columns) FROM consumer WHERE external_id = ?",
                arguments: [request.externalID])
            {
                var response = Voucherd_V1_RegisterConsumerResponse()
                response.consumer = ConsumerRecord(row: existing).proto
                response.created = false
                return response
            }
            // The inviter is looked up before the new row exists, so self-referral cannot happen.
            var inviterID: String?
            if let inviteCode {
                guard let id = try String.fetchOne(
                    db, sql: "SELECT id FROM consumer WHERE invite_code = ? AND erased_at_us IS NULL",
                    arguments: [inviteCode])
                else {
                    throw ConsumerError.invalidArgument(field: "invite_code", problem: "no consumer has this invite code")
                }
                inviterID = id
            }
            let id = ConsumerIdentifiers.make(prefix: "con_")
            let ownCode = try freshInviteCode(in: db)
            try db.execute(
                sql: """
                    INSERT INTO consumer (id, ledger_account, external_id, display_name, phone, email,
                        invite_code, referred_by, created_at_us)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, ConsumerIdentifiers.make(prefix: "lac_"), request.externalID, request.displayName,
                    request.phone, request.email, ownCode, inviterID, micros,
                ])
            try recordChange(
                "identity.consumer.registered", subject: id, actor: principal.subject,
                attributes: ["tier": MemberTier.regular.rawValue, "referred": inviterID == nil ? "false" : "true"],
                at: micros, in: db)
            if let inviterID {
                try creditInvitee(inviterID: inviterID, inviteeID: id, actor: principal.subject, at: micros, in: db)
            }
            var response = Voucherd_V1_RegisterConsumerResponse()
            response.consumer = try ConsumerRecord.fetchLive(id: id, in: db).proto
            response.created = true
            return response
        }
    }

    func getConsumer(_ request: Voucherd_V1_GetConsumerRequest) async throws -> Voucherd_V1_Consumer {
        try ConsumerInput.consumerID(request.consumerID)
        // An erased consumer is still shown (with its erasure time) so callers can tell
        // "erased" from "never existed".
        let record = try await environment.store.pool.read { db in
            try ConsumerRecord.fetch(id: request.consumerID, in: db)
        }
        guard let record else { throw ConsumerError.consumerNotFound(request.consumerID) }
        return record.proto
    }

    /// The canonical invite code of the request, `nil` when none was given.
    private static func validatedInviteCode(_ input: String) throws(ConsumerError) -> String? {
        guard !input.isEmpty else { return nil }
        guard let code = ConsumerIdentifiers.normalizedInviteCode(input) else {
            throw .invalidArgument(
                field: "invite_code",
                problem: "must be \(ConsumerIdentifiers.inviteCodeLength) characters of Crockford base32")
        }
        return code
    }

    /// An invite code no consumer holds; a collision among 2^40 codes is rare, so a few tries do.
    private func freshInviteCode(in db: Database) throws -> String {
        for _ in 0..<8 {
            let code = ConsumerIdentifiers.inviteCode()
            let taken = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM consumer WHERE invite_code = ?)", arguments: [code]) ?? false
            if !taken { return code }
        }
        throw ConsumersStoreError.inviteCodeSpaceExhausted
    }

    /// Counts the new invitee and, at each multiple of the threshold, commands the reward. The
    /// command id is derived from the inviter and the count, so a replayed command is recognised
    /// by issuance as the same grant.
    private func creditInvitee(
        inviterID: String, inviteeID: String, actor: String, at micros: Int64, in db: Database
    ) throws {
        try db.execute(
            sql: "UPDATE consumer SET invitees_registered = invitees_registered + 1 WHERE id = ?",
            arguments: [inviterID])
        let invitees = try Int64.fetchOne(
            db, sql: "SELECT invitees_registered FROM consumer WHERE id = ?", arguments: [inviterID]) ?? 0
        let count = UInt32(clamping: invitees)
        guard referrals.earnsReward(invitees: count) else { return }
        let commandID = "referral-\(inviterID)-\(count)"
        try db.execute(
            sql: """
                INSERT INTO referral_reward
                    (command_id, consumer_id, invitees, face_value_minor, currency, campaign_id, created_at_us)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                commandID, inviterID, Int64(count), referrals.rewardMinorUnits, referrals.rewardCurrency,
                referrals.campaignID, micros,
            ])
        var command = Voucherd_V1_ReferralRewardCommand()
        command.commandID = commandID
        command.consumerID = inviterID
        command.invitees = count
        command.faceValue.currency = referrals.rewardCurrency
        command.faceValue.minorUnits = referrals.rewardMinorUnits
        command.campaignID = referrals.campaignID
        try appendCommand("issuance.grant_referral_reward", payload: command, at: micros, in: db)
        try recordChange(
            "identity.referral.reward_commanded", subject: inviterID, actor: actor,
            attributes: [
                "invitees": "\(count)", "command_id": commandID,
                "face_value_minor": "\(referrals.rewardMinorUnits)", "currency": referrals.rewardCurrency,
            ],
            at: micros, in: db)
    }
}

