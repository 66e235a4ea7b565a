import GRDB

/// The store's own tables. They run before any service migration, in their own migrator, so a
/// service's list never has to mention them.
enum StoreSchema {
    static let migrations: [StoreMigration] = [
        StoreMigration("v1_store_idempotency") { db in
            try db.execute(sql: """
                CREATE TABLE store_idempotency (
                    principal TEXT NOT NULL CHECK (length(principal) > 0),
                    method TEXT NOT NULL CHECK (length(method) > 0),
                    key TEXT NOT NULL CHECK (length(key) > 0),
                    request_hash BLOB NOT NULL CHECK (length(request_hash) > 0),
                    response BLOB NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    expires_at_us INTEGER NOT NULL CHECK (expires_at_us > created_at_us),
                    PRIMARY KEY (principal, method, key)
                ) WITHOUT ROWID;
                CREATE INDEX store_idempotency_expiry ON store_idempotency(expires_at_us);
                """)
        },
        StoreMigration("v2_store_outbox") { db in
            // The trigger makes a gap in a producer's numbering impossible even for raw SQL,
            // which is what the relay's "resume from the acknowledged sequence" relies on.
            try db.execute(sql: """
                CREATE TABLE store_outbox (
                    producer TEXT NOT NULL CHECK (length(producer) > 0),
                    sequence INTEGER NOT NULL CHECK (sequence > 0),
                    type TEXT NOT NULL CHECK (length(type) > 0),
                    payload BLOB NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    PRIMARY KEY (producer, sequence),
                    UNIQUE (producer, sequence)
                ) WITHOUT ROWID;
                CREATE TRIGGER store_outbox_no_gap BEFORE INSERT ON store_outbox
                WHEN NEW.sequence <> (SELECT COALESCE(MAX(sequence), 0) + 1
                                      FROM store_outbox WHERE producer = NEW.producer)
                BEGIN SELECT RAISE(ABORT, 'outbox sequence must be the previous one plus one'); END;
                CREATE TRIGGER store_outbox_immutable BEFORE UPDATE ON store_outbox
                BEGIN SELECT RAISE(ABORT, 'outbox events are immutable'); END;
                CREATE TABLE store_outbox_relay (
                    producer TEXT NOT NULL CHECK (length(producer) > 0),
                    destination TEXT NOT NULL CHECK (length(destination) > 0),
                    acknowledged_sequence INTEGER NOT NULL CHECK (acknowledged_sequence >= 0),
                    updated_at_us INTEGER NOT NULL,
                    PRIMARY KEY (producer, destination)
                ) WITHOUT ROWID;
                """)
        },
        StoreMigration("v3_store_audit") { db in
            // Triggers stop accidental edits; a deliberate attacker can drop them, which is
            // what the hash chain is for.
            try db.execute(sql: """
                CREATE TABLE store_audit (
                    sequence INTEGER PRIMARY KEY CHECK (sequence > 0),
                    recorded_at_us INTEGER NOT NULL,
                    actor TEXT NOT NULL CHECK (length(actor) > 0),
                    action TEXT NOT NULL CHECK (length(action) > 0),
                    subject TEXT NOT NULL,
                    details BLOB NOT NULL,
                    previous_hash BLOB NOT NULL CHECK (length(previous_hash) = 32),
                    hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32)
                );
                CREATE TRIGGER store_audit_no_update BEFORE UPDATE ON store_audit
                BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
                CREATE TRIGGER store_audit_no_delete BEFORE DELETE ON store_audit
                BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
                """)
        },
    ]
}
