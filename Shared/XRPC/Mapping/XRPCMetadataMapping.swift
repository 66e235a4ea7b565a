import Foundation
import GRPCCore

/// Converts between GRPCCore's `Metadata` and the wire's `repeated MetadataEntry`.
///
/// Two gRPC keys are not metadata on the XRPC wire: `grpc-timeout` travels as
/// `RequestHeaders.timeout_micros`, and `grpc-status-details-bin` as `Trailers.details`.
enum XRPCMetadataMapping {
    static let timeoutKey = "grpc-timeout"
    static let statusDetailsKey = "grpc-status-details-bin"

    static func entries(from metadata: Metadata, excluding excluded: Set<String> = []) -> [Xrpc_V1_MetadataEntry] {
        var entries: [Xrpc_V1_MetadataEntry] = []
        entries.reserveCapacity(metadata.count)
        for (key, value) in metadata {
            // Keys travel lowercase, as the protocol requires; GRPCCore keeps whatever case the
            // caller used.
            let key = Self.asciiLowercased(key)
            guard !excluded.contains(key) else { continue }
            var entry = Xrpc_V1_MetadataEntry()
            entry.key = key
            switch value {
            case .string(let text) where key.hasSuffix("-bin"):
                // Text under a "-bin" key is base64, as gRPC over HTTP/2 carries binary values;
                // XRPC carries the bytes themselves.
                entry.binary = Data(base64Encoded: Self.padded(text)) ?? Data(text.utf8)
            case .string(let text):
                entry.text = text
            case .binary(let bytes):
                entry.binary = Data(bytes)
            }
            entries.append(entry)
        }
        return entries
    }

    /// Reads the wire's entries back into GRPCCore metadata.
    /// - Throws: `XRPCMetadataError` naming the first entry that breaks the protocol's rules:
    ///   an empty key or one with characters outside `[a-z0-9-_.]` (uppercase ASCII is accepted
    ///   and lowercased), or a value of the wrong kind for its key (binary needs "-bin").
    static func metadata(from entries: [Xrpc_V1_MetadataEntry]) throws(XRPCMetadataError) -> Metadata {
        var metadata = Metadata()
        metadata.reserveCapacity(entries.count)
        for entry in entries {
            let key = Self.asciiLowercased(entry.key)
            if let problem = Self.problem(withKey: key) { throw XRPCMetadataError(reason: problem) }
            let isBinaryKey = key.hasSuffix("-bin")
            switch entry.value {
            case .text(let text):
                guard !isBinaryKey else {
                    throw XRPCMetadataError(reason: "metadata key \"\(key)\" ends in -bin, so its value must be binary, not text")
                }
                metadata.addString(text, forKey: key)
            case .binary(let bytes):
                guard isBinaryKey else {
                    throw XRPCMetadataError(reason: "metadata key \"\(key)\" has a binary value but does not end in -bin")
                }
                metadata.addBinary(Array(bytes), forKey: key)
            case .none:
                if isBinaryKey { metadata.addBinary([], forKey: key) } else { metadata.addString("", forKey: key) }
            }
        }
        return metadata
    }

    /// Why `key` (already lowercased) cannot travel, or nil if it can.
    static func problem(withKey key: String) -> String? {
        guard !key.isEmpty, key.utf8.allSatisfy(Self.isKeyByte) else {
            return "metadata key \"\(key)\" is empty or has characters outside [a-z0-9-_.]"
        }
        return nil
    }

    /// Lowercases ASCII letters only: Unicode case mapping would let "\u{212A}" pass as "k".
    static func asciiLowercased(_ key: String) -> String {
        guard key.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else { return key }
        return String(decoding: key.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }

    private static func padded(_ base64: String) -> String {
        let remainder = base64.utf8.count % 4
        return remainder == 0 ? base64 : base64 + String(repeating: "=", count: 4 - remainder)
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}

/// A metadata entry from the peer breaks the protocol's rules.
struct XRPCMetadataError: Error, Sendable {
    var reason: String
}

extension Duration {
    /// Whole microseconds, rounded up so that a deadline is never shortened by conversion.
    var microsecondsRoundedUp: UInt64 {
        let (seconds, attoseconds) = self.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let micros = UInt64(seconds) &* 1_000_000 &+ UInt64((attoseconds + 999_999_999_999) / 1_000_000_000_000)
        return micros
    }
}
