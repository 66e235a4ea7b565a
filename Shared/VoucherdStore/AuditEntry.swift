public import Foundation
import Crypto

/// One entry of the audit chain.
public struct AuditEntry: Sendable, Equatable {
    /// 1, 2, 3… without gaps.
    public let sequence: Int64
    /// When the entry was appended, microseconds since the Unix epoch (UTC).
    public let recordedAtMicroseconds: Int64
    /// Who acted (a principal).
    public let actor: String
    /// What was done, e.g. `voucher.revoke`.
    public let action: String
    /// What it was done to, e.g. a voucher id.
    public let subject: String
    /// Free-form details (serialized by the service).
    public let details: Data
    /// The previous entry's ``hash``; 32 zero bytes for the first entry.
    public let previousHash: Data
    /// SHA-256 of the entry's canonical contents, which include ``previousHash``.
    public let hash: Data

    /// The previous hash of the first entry.
    public static let genesisHash = Data(repeating: 0, count: 32)

    /// Computes the hash an entry with these contents must carry.
    ///
    /// The canonical form is a domain tag, then sequence and time as 8-byte big-endian
    /// integers, then actor, action, subject, details and previous hash, each as a 4-byte
    /// big-endian length followed by its bytes; lengths make the encoding unambiguous.
    public static func computeHash(
        sequence: Int64, recordedAtMicroseconds: Int64, actor: String, action: String,
        subject: String, details: Data, previousHash: Data
    ) -> Data {
        var bytes = Data("voucherd.audit.v1".utf8)
        appendInteger(sequence, to: &bytes)
        appendInteger(recordedAtMicroseconds, to: &bytes)
        for field in [Data(actor.utf8), Data(action.utf8), Data(subject.utf8), details, previousHash] {
            appendInteger(UInt32(clamping: field.count), to: &bytes)
            bytes.append(field)
        }
        return Data(SHA256.hash(data: bytes))
    }

    /// Whether ``hash`` matches the entry's contents.
    public var hasValidHash: Bool {
        hash
            == Self.computeHash(
                sequence: sequence, recordedAtMicroseconds: recordedAtMicroseconds, actor: actor,
                action: action, subject: subject, details: details, previousHash: previousHash)
    }

    private static func appendInteger<T: FixedWidthInteger>(_ value: T, to bytes: inout Data) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}

/// The result of ``AuditLog/verify(in:)``.
public enum AuditVerification: Sendable, Equatable {
    /// Every entry checks out; `entries` were walked.
    case intact(entries: Int)
    /// The first entry that does not check out, and why.
    case broken(sequence: Int64, reason: AuditBreak)
}

/// Why an audit entry failed verification.
public enum AuditBreak: Sendable, Equatable {
    /// The entry's sequence is not the previous one plus one (an entry was deleted, or rows
    /// were renumbered).
    case sequenceGap(expected: Int64)
    /// The entry's previous hash is not the previous entry's hash (deletion or reordering).
    case previousHashMismatch
    /// The entry's contents do not hash to its stored hash (edited content).
    case contentHashMismatch
}
