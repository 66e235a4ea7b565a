public import Foundation
public import GRDB

/// An append-only audit trail whose entries are chained by SHA-256, so editing, deleting or
/// reordering entries straight in the SQLite file is detected by ``verify(in:)``.
///
/// Removing entries from the end of the chain leaves a valid shorter chain; detecting that
/// needs the latest hash kept elsewhere (e.g. logged or exported periodically).
public struct AuditLog: Sendable {
    /// Creates an audit log accessor; the table comes from the store's own migrations.
    public init() {}

    /// Appends an entry inside the caller's write transaction.
    ///
    /// - Returns: The stored entry, with its sequence and hash.
    @discardableResult
    public func append(
        actor: String, action: String, subject: String, details: Data, now: Date = Date(),
        in db: Database
    ) throws -> AuditEntry {
        let previous = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT sequence, hash FROM store_audit ORDER BY sequence DESC LIMIT 1"))
        let sequence: Int64 = (previous.map { row -> Int64 in row["sequence"] } ?? 0) + 1
        let previousHash: Data = previous.map { row -> Data in row["hash"] } ?? AuditEntry.genesisHash
        let recordedAt = StoreTime.microseconds(now)
        let hash = AuditEntry.computeHash(
            sequence: sequence, recordedAtMicroseconds: recordedAt, actor: actor, action: action,
            subject: subject, details: details, previousHash: previousHash)
        try db.cachedStatement(sql: """
                INSERT INTO store_audit
                    (sequence, recorded_at_us, actor, action, subject, details, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [sequence, recordedAt, actor, action, subject, details, previousHash, hash])
        return AuditEntry(
            sequence: sequence, recordedAtMicroseconds: recordedAt, actor: actor, action: action,
            subject: subject, details: details, previousHash: previousHash, hash: hash)
    }

    /// All entries in sequence order.
    public func entries(in db: Database) throws -> [AuditEntry] {
        try Row.fetchAll(db, sql: Self.selectAll).compactMap(Self.entry(from:))
    }

    /// Walks the chain from the first entry and reports the first one that does not check out.
    public func verify(in db: Database) throws -> AuditVerification {
        let cursor = try Row.fetchCursor(db, sql: Self.selectAll)
        var expectedSequence: Int64 = 1
        var expectedPreviousHash = AuditEntry.genesisHash
        var count = 0
        while let row = try cursor.next() {
            guard let entry = Self.entry(from: row) else {
                let sequence = Int64.fromDatabaseValue(row["sequence"] as DatabaseValue) ?? expectedSequence
                return .broken(sequence: sequence, reason: .contentHashMismatch)
            }
            guard entry.sequence == expectedSequence else {
                return .broken(sequence: entry.sequence, reason: .sequenceGap(expected: expectedSequence))
            }
            guard entry.previousHash == expectedPreviousHash else {
                return .broken(sequence: entry.sequence, reason: .previousHashMismatch)
            }
            guard entry.hasValidHash else {
                return .broken(sequence: entry.sequence, reason: .contentHashMismatch)
            }
            expectedSequence += 1
            expectedPreviousHash = entry.hash
            count += 1
        }
        return .intact(entries: count)
    }

    private static let selectAll = """
        SELECT sequence, recorded_at_us, actor, action, subject, details, previous_hash, hash
        FROM store_audit ORDER BY sequence
        """

    /// Decodes without trapping: a row edited to hold values of the wrong type is a broken
    /// entry to report, not a reason to crash the verifier.
    private static func entry(from row: Row) -> AuditEntry? {
        func value<T: DatabaseValueConvertible>(_ column: String) -> T? {
            T.fromDatabaseValue(row[column] as DatabaseValue)
        }
        guard let sequence: Int64 = value("sequence"),
            let recordedAt: Int64 = value("recorded_at_us"),
            let actor: String = value("actor"),
            let action: String = value("action"),
            let subject: String = value("subject"),
            let details: Data = value("details"),
            let previousHash: Data = value("previous_hash"),
            let hash: Data = value("hash")
        else { return nil }
        return AuditEntry(
            sequence: sequence, recordedAtMicroseconds: recordedAt, actor: actor, action: action,
            subject: subject, details: details, previousHash: previousHash, hash: hash)
    }
}
