public import GRDB
import GRDBSQLite
import Synchronization

/// When the writer connection copies the write-ahead log back into the database file.
///
/// SQLite's own auto-checkpoint runs inside the COMMIT that takes the log past 1,000 pages, on
/// the writer: it writes those pages again into the database file and fsyncs it, while every
/// request of the batch (and everyone queued behind it) waits. In a flash sale that was every
/// third commit. This replaces it (a WAL hook on the writer connection replaces SQLite's) with
/// two thresholds:
///
/// - ``Policy/idlePages``: a ``GroupCommitWriter`` checkpoints once its queue is empty and the
///   log holds at least this many pages, so in a burst the checkpoint waits for a quiet moment;
/// - ``Policy/maximumPages``: past this, the committing connection checkpoints at once, as
///   SQLite would, so the log stays bounded even when nobody is ever idle or writes bypass the
///   group-commit writer.
///
/// Checkpoints stay on the single writer connection (PASSIVE, so readers are never blocked):
/// DESIGN §4's WAL-reset race needs two connections writing or checkpointing at once.
public final class WALCheckpointer: Sendable {
    /// The two thresholds, in pages of the log.
    public struct Policy: Sendable, Hashable {
        /// Checkpoint when the writer is idle and the log holds this many pages. Default 1,000
        /// (SQLite's auto-checkpoint threshold).
        public var idlePages: Int
        /// Checkpoint on commit, idle or not, past this many pages. Default 16,384 (64 MiB of
        /// 4 KiB pages).
        public var maximumPages: Int

        /// The defaults.
        public static let `default` = Policy(idlePages: 1_000, maximumPages: 16_384)

        /// Creates a policy; `maximumPages` is raised to `idlePages` when below it.
        public init(idlePages: Int, maximumPages: Int) {
            self.idlePages = max(1, idlePages)
            self.maximumPages = max(self.idlePages, maximumPages)
        }
    }

    /// Counters, for tests and metrics.
    public struct Statistics: Sendable, Hashable {
        /// Checkpoints run because the writer was idle.
        public var idleCheckpoints = 0
        /// Checkpoints run inside a commit because the log passed ``Policy/maximumPages``.
        public var forcedCheckpoints = 0
    }

    public let policy: Policy
    private let pages = Atomic<Int>(0)
    private let counters = Mutex(Statistics())

    init(policy: Policy) {
        self.policy = policy
    }

    /// Pages in the log after the last commit on the writer connection.
    public var pagesInLog: Int { self.pages.load(ordering: .relaxed) }

    /// The counters so far.
    public var statistics: Statistics { self.counters.withLock { $0 } }

    /// Whether an idle writer should checkpoint now.
    public var wantsIdleCheckpoint: Bool { self.pagesInLog >= self.policy.idlePages }

    /// Runs a PASSIVE checkpoint on the writer connection `db` (the caller is idle).
    public func checkpointIdle(_ db: Database) {
        self.checkpoint(db.sqliteConnection, name: "main")
        self.counters.withLock { $0.idleCheckpoints += 1 }
    }

    /// Installs the hook on the writer connection. The hook keeps the checkpointer alive for
    /// the rest of the process (SQLite has no callback for when the connection closes, and the
    /// pool may outlive the ``VoucherdStore`` that opened it): one small object per store opened.
    func install(on db: Database) {
        let context = Unmanaged.passRetained(self).toOpaque()
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, name, pages in
            guard let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
            return checkpointer.committed(pages: Int(pages), connection: connection, name: name)
        }, context)
    }

    private func committed(pages: Int, connection: OpaquePointer?, name: UnsafePointer<CChar>?) -> Int32 {
        self.pages.store(pages, ordering: .relaxed)
        guard pages >= self.policy.maximumPages else { return SQLITE_OK }
        self.checkpoint(connection, name: name)
        self.counters.withLock { $0.forcedCheckpoints += 1 }
        return SQLITE_OK
    }

    /// A PASSIVE checkpoint, as SQLite's auto-checkpoint runs it. Its outcome is nobody's
    /// failure: every commit is already durable in the log, and a checkpoint that could not
    /// finish (a reader on an old snapshot, an I/O error) is tried again at the next occasion.
    private func checkpoint(_ connection: OpaquePointer?, name: UnsafePointer<CChar>?) {
        var logged: Int32 = 0
        var copied: Int32 = 0
        guard sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, &logged, &copied) == SQLITE_OK else {
            return
        }
        // Everything copied: the next commit starts the log from its beginning.
        if copied >= logged { self.pages.store(0, ordering: .relaxed) }
    }
}
