import GRDB
import VoucherdStore

/// Tables for merchants, accounts, service accounts, API keys, refresh tokens and signing keys.
///
/// Times are integer microseconds since the Unix epoch (UTC). Secrets are never stored in the
/// clear except the signing keys' private halves (see `signing_keys`).
enum AccountSchema {
    static let migrations: [StoreMigration] = [
        StoreMigration("v2_accounts") { db in
            try db.execute(sql: Self.v2Accounts)
        }
    ]

    private static let v2Accounts = """
        CREATE TABLE merchants (
            merchant_id TEXT PRIMARY KEY NOT NULL CHECK (merchant_id LIKE 'mer\\_%' ESCAPE '\\'),
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            contact_email TEXT NOT NULL CHECK (length(contact_email) BETWEEN 3 AND 254),
            time_zone TEXT NOT NULL CHECK (length(time_zone) > 0),
            region TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected')),
            review_reason TEXT NOT NULL DEFAULT '',
            reviewed_by TEXT,
            reviewed_at_us INTEGER,
            created_at_us INTEGER NOT NULL,
            -- Set in the same transaction that creates the merchant (the owner row needs the
            -- merchant first); NULL never survives a commit.
            owner_account_id TEXT UNIQUE REFERENCES accounts(account_id),
            -- A reviewed merchant has a reviewer and a time; a rejection has a reason.
            CHECK ((status = 'submitted') = (reviewed_at_us IS NULL)),
            CHECK ((status = 'submitted') = (reviewed_by IS NULL)),
            CHECK (status <> 'rejected' OR length(review_reason) > 0)
        ) STRICT;
        CREATE INDEX merchants_by_created ON merchants(created_at_us DESC, merchant_id DESC);
        CREATE INDEX merchants_by_status ON merchants(status, created_at_us DESC, merchant_id DESC);

        CREATE TABLE accounts (
            account_id TEXT PRIMARY KEY NOT NULL CHECK (account_id LIKE 'acc\\_%' ESCAPE '\\'),
            username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 64),
            role TEXT NOT NULL CHECK (role IN ('merchant', 'merchantStaff', 'operator')),
            merchant_id TEXT REFERENCES merchants(merchant_id),
            display_name TEXT NOT NULL DEFAULT '',
            -- "pbkdf2-sha256$<iterations>$<salt>$<hash>", parameters kept with the hash.
            password_hash TEXT NOT NULL CHECK (password_hash LIKE 'pbkdf2-sha256$%'),
            failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
            locked_until_us INTEGER,
            created_at_us INTEGER NOT NULL,
            -- Operators belong to no merchant; owners and staff to exactly one.
            CHECK ((role = 'operator') = (merchant_id IS NULL))
        ) STRICT;
        CREATE INDEX accounts_by_merchant ON accounts(merchant_id);

        CREATE TABLE service_accounts (
            service_account_id TEXT PRIMARY KEY NOT NULL
                CHECK (service_account_id LIKE 'svc\\_%' ESCAPE '\\'),
            name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 3 AND 64),
            description TEXT NOT NULL DEFAULT '',
            created_at_us INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE api_keys (
            key_id TEXT PRIMARY KEY NOT NULL CHECK (key_id LIKE 'key\\_%' ESCAPE '\\'),
            service_account_id TEXT NOT NULL REFERENCES service_accounts(service_account_id),
            -- SHA-256 of the secret part; the secret has 256 bits of entropy, so a fast hash is
            -- enough (no dictionary to attack) and the secret itself is never stored.
            secret_hash BLOB NOT NULL CHECK (length(secret_hash) = 32),
            created_at_us INTEGER NOT NULL,
            revoked_at_us INTEGER CHECK (revoked_at_us IS NULL OR revoked_at_us >= created_at_us)
        ) STRICT;
        CREATE INDEX api_keys_by_service_account ON api_keys(service_account_id);

        CREATE TABLE refresh_tokens (
            token_hash BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
            family_id TEXT NOT NULL,
            parent_hash BLOB REFERENCES refresh_tokens(token_hash) ON DELETE SET NULL,
            subject TEXT NOT NULL,
            subject_kind TEXT NOT NULL CHECK (subject_kind IN ('account', 'service', 'consumer')),
            -- The API key a service session came from: revoking the key ends its sessions.
            api_key_id TEXT REFERENCES api_keys(key_id),
            issued_at_us INTEGER NOT NULL,
            expires_at_us INTEGER NOT NULL CHECK (expires_at_us > issued_at_us),
            rotated_at_us INTEGER,
            revoked_at_us INTEGER,
            CHECK ((subject_kind = 'service') = (api_key_id IS NOT NULL))
        ) STRICT;
        CREATE INDEX refresh_tokens_by_api_key ON refresh_tokens(api_key_id) WHERE api_key_id IS NOT NULL;
        CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id);
        -- At most one live (never rotated) token per family: rotation is a chain, not a tree.
        CREATE UNIQUE INDEX refresh_tokens_one_live_per_family
            ON refresh_tokens(family_id) WHERE rotated_at_us IS NULL AND revoked_at_us IS NULL;

        -- The local store is the trust boundary for signing keys: whoever can read this file can
        -- mint tokens, exactly as whoever can read a key file could. Protect the file (0600, an
        -- encrypted volume); moving the private keys to a KMS/HSM would change only this table.
        CREATE TABLE signing_keys (
            kid TEXT PRIMARY KEY NOT NULL CHECK (length(kid) BETWEEN 1 AND 64),
            private_key BLOB NOT NULL CHECK (length(private_key) = 32),
            public_key BLOB NOT NULL CHECK (length(public_key) = 32),
            created_at_us INTEGER NOT NULL,
            retired_at_us INTEGER CHECK (retired_at_us IS NULL OR retired_at_us >= created_at_us),
            publish_until_us INTEGER,
            CHECK ((retired_at_us IS NULL) = (publish_until_us IS NULL)),
            CHECK (publish_until_us IS NULL OR publish_until_us >= retired_at_us)
        ) STRICT;
        -- Exactly one key signs at a time.
        CREATE UNIQUE INDEX signing_keys_one_current
            ON signing_keys((retired_at_us IS NULL)) WHERE retired_at_us IS NULL;
        """
}
