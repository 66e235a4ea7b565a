public import Foundation
public import Logging

/// How hard SQLite works to make a commit survive power loss (`PRAGMA synchronous`).
public enum SynchronousMode: String, Sendable, CaseIterable {
    /// `NORMAL`: in WAL mode a commit can be lost on power failure (not on a process crash).
    case normal
    /// `FULL`: every commit is fsynced before it returns; the default, because the group-commit
    /// writer promises durability to callers once it answers.
    case full
    /// `EXTRA`: like `FULL`, and also syncs the directory after deleting a rollback journal.
    case extra

    /// The value `PRAGMA synchronous` reports for this mode.
    public var pragmaValue: Int {
        switch self {
        case .normal: 1
        case .full: 2
        case .extra: 3
        }
    }

    var sqlKeyword: String {
        switch self {
        case .normal: "NORMAL"
        case .full: "FULL"
        case .extra: "EXTRA"
        }
    }
}

/// Where and how a ``VoucherdStore`` opens its SQLite database.
///
/// Defaults: file `store.sqlite` in `directory`, `synchronous=FULL`, four reader connections,
/// a five-second busy timeout, a 32 MiB page cache on the writer connection and
/// ``WALCheckpointer/Policy/default``. WAL, foreign keys and `mmap_size=0` are not
/// configurable: the store always uses them.
public struct StoreConfiguration: Sendable {
    /// The data directory; created (with intermediate directories) when the store opens.
    public var directory: URL
    /// The database file name inside ``directory``. Default `store.sqlite`.
    public var fileName: String
    /// `PRAGMA synchronous` for every connection. Default ``SynchronousMode/full``.
    public var synchronous: SynchronousMode
    /// How many read-only connections may run in parallel with the single writer. Default 4.
    public var maximumReaderCount: Int
    /// How long a connection waits for a lock held by another process before failing with
    /// `SQLITE_BUSY`. Default 5 seconds.
    public var busyTimeout: Duration
    /// The writer connection's page cache, in KiB. Default 32 MiB. SQLite's 2 MiB default made
    /// the writer read back pages of indexes that random keys (idempotency keys, consumers)
    /// touch all over; the cache fills only as pages are used, so an idle store stays small.
    /// Readers keep SQLite's default.
    public var writerCacheKiB: Int
    /// When the writer checkpoints the write-ahead log (``WALCheckpointer``).
    public var checkpointPolicy: WALCheckpointer.Policy
    /// Where the store logs (the SQLite version at open, relay failures).
    public var logger: Logger

    /// Creates a configuration with the documented defaults.
    ///
    /// - Parameters:
    ///   - directory: The data directory holding the database file.
    ///   - logger: The logger for store events; defaults to label `voucherd.store`.
    public init(directory: URL, logger: Logger = Logger(label: "voucherd.store")) {
        self.directory = directory
        self.fileName = "store.sqlite"
        self.synchronous = .full
        self.maximumReaderCount = 4
        self.busyTimeout = .seconds(5)
        self.writerCacheKiB = 32 * 1024
        self.checkpointPolicy = .default
        self.logger = logger
    }

    /// The full path of the database file.
    public var databaseURL: URL {
        directory.appendingPathComponent(fileName, isDirectory: false)
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
