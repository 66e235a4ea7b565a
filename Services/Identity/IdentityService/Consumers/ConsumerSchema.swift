import GRDB
import VoucherdStore

/// Tables for consumers, tiers, the points ledger, devices, referrals and consents.
///
/// The constraints are the last line of defence: the database itself refuses a negative balance,
/// a spend with positive points, a refund without its spend, or two live consumers with the same
/// external id.
enum ConsumerSchema {
    static let migrations: [StoreMigration] = [
        StoreMigration("v1_consumers") { db in
            // `ledger_account` is a random key that survives erasure, so the anonymous entries of
            // an erased consumer still group together and per-consumer sums keep adding up.
            try db.execute(sql: """
                CREATE TABLE consumer (
                    id TEXT PRIMARY KEY CHECK (substr(id, 1, 4) = 'con_'),
                    ledger_account TEXT NOT NULL UNIQUE CHECK (length(ledger_account) > 0),
                    external_id TEXT CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 128),
                    display_name TEXT NOT NULL DEFAULT '',
                    phone TEXT NOT NULL DEFAULT '',
                    email TEXT NOT NULL DEFAULT '',
                    invite_code TEXT UNIQUE,
                    referred_by TEXT REFERENCES consumer(id),
                    tier TEXT NOT NULL DEFAULT 'regular' CHECK (tier IN ('regular', 'silver', 'gold')),
                    lifetime_points INTEGER NOT NULL DEFAULT 0 CHECK (lifetime_points >= 0),
                    lifetime_spend_minor INTEGER NOT NULL DEFAULT 0 CHECK (lifetime_spend_minor >= 0),
                    balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
                    invitees_registered INTEGER NOT NULL DEFAULT 0 CHECK (invitees_registered >= 0),
                    created_at_us INTEGER NOT NULL,
                    erased_at_us INTEGER,
                    CHECK (referred_by IS NULL OR referred_by <> id),
                    CHECK (erased_at_us IS NULL OR (external_id IS NULL AND invite_code IS NULL
                        AND display_name = '' AND phone = '' AND email = '')),
                    CHECK (erased_at_us IS NOT NULL OR (external_id IS NOT NULL AND invite_code IS NOT NULL))
                );
                CREATE UNIQUE INDEX consumer_live_external_id ON consumer(external_id)
                    WHERE external_id IS NOT NULL;
                CREATE INDEX consumer_referred_by ON consumer(referred_by);

                CREATE TABLE consumer_tier_change (
                    position INTEGER PRIMARY KEY,
                    consumer_id TEXT NOT NULL REFERENCES consumer(id),
                    from_tier TEXT NOT NULL CHECK (from_tier IN ('regular', 'silver', 'gold')),
                    to_tier TEXT NOT NULL CHECK (to_tier IN ('regular', 'silver', 'gold')),
                    reason TEXT NOT NULL,
                    changed_at_us INTEGER NOT NULL,
                    CHECK (from_tier <> to_tier)
                );
                CREATE INDEX consumer_tier_change_consumer ON consumer_tier_change(consumer_id, position);

                CREATE TABLE points_entry (
                    position INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE CHECK (substr(id, 1, 4) = 'pte_'),
                    consumer_id TEXT REFERENCES consumer(id),
                    ledger_account TEXT NOT NULL REFERENCES consumer(ledger_account),
                    kind TEXT NOT NULL CHECK (kind IN ('accrual', 'spend', 'refund')),
                    points INTEGER NOT NULL CHECK (
                        (kind = 'spend' AND points < 0) OR (kind <> 'spend' AND points > 0)),
                    balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
                    reason TEXT NOT NULL DEFAULT '',
                    reference TEXT NOT NULL DEFAULT '',
                    refunded_entry_id TEXT REFERENCES points_entry(id),
                    created_at_us INTEGER NOT NULL,
                    CHECK ((kind = 'refund') = (refunded_entry_id IS NOT NULL))
                );
                CREATE INDEX points_entry_account ON points_entry(ledger_account, position);
                CREATE INDEX points_entry_refunded ON points_entry(refunded_entry_id)
                    WHERE refunded_entry_id IS NOT NULL;
                -- Ledger rows are history: only erasure's unlinking of consumer_id may change them.
                CREATE TRIGGER points_entry_immutable BEFORE UPDATE OF
                    id, ledger_account, kind, points, balance_after, refunded_entry_id, created_at_us
                    ON points_entry
                BEGIN SELECT RAISE(ABORT, 'points entries are immutable'); END;
                CREATE TRIGGER points_entry_no_delete BEFORE DELETE ON points_entry
                BEGIN SELECT RAISE(ABORT, 'points entries are never deleted'); END;

                CREATE TABLE consumer_device (
                    consumer_id TEXT NOT NULL REFERENCES consumer(id),
                    fingerprint TEXT NOT NULL CHECK (length(fingerprint) BETWEEN 8 AND 256),
                    label TEXT NOT NULL DEFAULT '',
                    first_seen_us INTEGER NOT NULL,
                    last_seen_us INTEGER NOT NULL CHECK (last_seen_us >= first_seen_us),
                    PRIMARY KEY (consumer_id, fingerprint)
                ) WITHOUT ROWID;

                CREATE TABLE referral_reward (
                    command_id TEXT PRIMARY KEY,
                    consumer_id TEXT NOT NULL REFERENCES consumer(id),
                    invitees INTEGER NOT NULL CHECK (invitees > 0),
                    face_value_minor INTEGER NOT NULL CHECK (face_value_minor >= 0),
                    currency TEXT NOT NULL,
                    campaign_id TEXT NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    UNIQUE (consumer_id, invitees)
                );

                CREATE TABLE consumer_consent (
                    position INTEGER PRIMARY KEY,
                    consumer_id TEXT REFERENCES consumer(id),
                    purpose TEXT NOT NULL CHECK (length(purpose) BETWEEN 1 AND 64),
                    policy_version TEXT NOT NULL CHECK (length(policy_version) BETWEEN 1 AND 64),
                    granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
                    recorded_at_us INTEGER NOT NULL
                );
                CREATE INDEX consumer_consent_consumer ON consumer_consent(consumer_id, position);
                """)
        }
    ]
}
