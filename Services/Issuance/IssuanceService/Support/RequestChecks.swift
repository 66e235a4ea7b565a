import Foundation
import Crypto
import SwiftProtobuf
import VoucherdModel

/// Checks shared by many requests, each naming the proto field it refuses.
enum RequestChecks {
    /// An idempotency key: 1-128 printable ASCII characters.
    static func idempotencyKey(_ key: String, field: String = "idempotency_key") throws(IssuanceError) {
        let scalars = key.unicodeScalars
        guard (1...128).contains(scalars.count), scalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
            throw .invalidArgument(field: field, reason: "required, 1 to 128 printable ASCII characters")
        }
    }

    /// A required id with the given type prefix, such as `cmp_`.
    static func id(_ value: String, prefix: String, field: String) throws(IssuanceError) {
        guard !value.isEmpty else { throw .invalidArgument(field: field, reason: "required") }
        guard value.hasPrefix(prefix), value.utf8.count <= 64 else {
            throw .invalidArgument(field: field, reason: "must be an id starting with '\(prefix)'")
        }
    }

    /// A principal id issued by identity (consumer, merchant): 1-128 printable ASCII characters.
    static func principalID(_ value: String, field: String) throws(IssuanceError) {
        let scalars = value.unicodeScalars
        guard !scalars.isEmpty else { throw .invalidArgument(field: field, reason: "required") }
        guard scalars.count <= 128, scalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
            throw .invalidArgument(field: field, reason: "must be 1 to 128 printable ASCII characters")
        }
    }

    /// A page size: 0 means `defaultSize`; at most `maximum`.
    static func pageSize(_ value: UInt32, defaultSize: Int, maximum: Int) throws(IssuanceError) -> Int {
        if value == 0 { return defaultSize }
        guard Int(value) <= maximum else {
            throw .invalidArgument(field: "page_size", reason: "at most \(maximum)")
        }
        return Int(value)
    }

    /// The SHA-256 of a request's serialized bytes, for idempotency records.
    static func digest(_ message: some SwiftProtobuf.Message) throws -> Data {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let bytes: Data = try message.serializedBytes(options: options)
        return Data(SHA256.hash(data: bytes))
    }
}

extension RequestChecks {
    /// A wire amount that must be set and valid.
    static func money(_ message: Voucherd_V1_Money, isSet: Bool, field: String) throws(IssuanceError) -> Money {
        guard isSet else { throw .invalidArgument(field: field, reason: "required") }
        guard let money = Money(message) else {
            throw .invalidArgument(field: field, reason: "needs an ISO 4217 currency and an amount that is not negative")
        }
        return money
    }

    /// Turns a VoucherdModel rule's `validationError()` ("benefit.off: must be positive") into
    /// INVALID_ARGUMENT naming the proto path: `prefix` in the rule's field names becomes
    /// `replacement` (`benefit` → `rules.variants[1].benefit.fixed_amount`).
    static func ruleError(_ problem: String, prefix: String, replacement: String) -> IssuanceError {
        guard let colon = problem.range(of: ": ") else {
            return .invalidArgument(field: replacement, reason: problem)
        }
        let field = String(problem[..<colon.lowerBound])
        var reason = String(problem[colon.upperBound...])
        guard !prefix.isEmpty else {
            return .invalidArgument(field: replacement + "." + field, reason: reason)
        }
        reason = reason.replacingOccurrences(of: prefix + ".", with: replacement + ".")
        if field == prefix { return .invalidArgument(field: replacement, reason: reason) }
        let renamed = field.hasPrefix(prefix + ".") ? replacement + field.dropFirst(prefix.count) : field
        return .invalidArgument(field: renamed, reason: reason)
    }
}
