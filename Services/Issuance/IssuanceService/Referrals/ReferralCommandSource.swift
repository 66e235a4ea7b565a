public import VoucherdModel

/// Where ``ReferralRewardFeed`` reads identity's referral reward commands. The executable calls
/// identity's ReadOutbox over XRPC (types `issuance.grant_referral_reward`); tests use a fake.
public protocol ReferralCommandSource: Sendable {
    /// One page of identity's outbox after `sequence`, of at most `limit` records.
    /// - Throws: identity's `RPCError` (UNAVAILABLE while it is down, PERMISSION_DENIED when it
    ///   does not list issuance's certificate as an outbox reader); the feed retries with backoff.
    func read(after sequence: UInt64, limit: UInt32) async throws -> Voucherd_V1_ReadOutboxResponse
}
