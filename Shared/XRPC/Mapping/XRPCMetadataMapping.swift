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
        for (key, value) in metadata where !excluded.contains(key) {
            var entry = Xrpc_V1_MetadataEntry()
            entry.key = key
            switch value {
            case .string(let text): entry.text = text
            case .binary(let bytes): entry.binary = Data(bytes)
            }
            entries.append(entry)
        }
        return entries
    }

    static func metadata(from entries: [Xrpc_V1_MetadataEntry]) -> Metadata {
        var metadata = Metadata()
        metadata.reserveCapacity(entries.count)
        for entry in entries {
            // Keys are case-insensitive in gRPC; lowercase so lookups behave as over HTTP/2.
            let key = entry.key.lowercased()
            switch entry.value {
            case .text(let text): metadata.addString(text, forKey: key)
            case .binary(let bytes): metadata.addBinary(Array(bytes), forKey: key)
            case .none: metadata.addString("", forKey: key)
            }
        }
        return metadata
    }
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
