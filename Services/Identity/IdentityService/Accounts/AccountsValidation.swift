import Foundation

/// Input checks for the accounts half. Each throws ``AccountsError/invalidArgument(field:reason:)``
/// naming the request field.
enum AccountsValidation {
    static func required(_ value: String, _ field: String, maximumLength: Int = 128) throws(AccountsError) {
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .invalidArgument(field: field, reason: "required.")
        }
        try maximum(value, field, maximumLength)
    }

    static func maximum(_ value: String, _ field: String, _ maximumLength: Int) throws(AccountsError) {
        guard value.count <= maximumLength else {
            throw .invalidArgument(field: field, reason: "must be at most \(maximumLength) characters.")
        }
    }

    /// A login or service-account name: 3-64 characters of `[a-z0-9._-]`.
    static func name(_ value: String, _ field: String) throws(AccountsError) {
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_"
                || scalar == "-"
        }
        guard (3...64).contains(value.count), allowed else {
            throw .invalidArgument(field: field, reason: "must be 3-64 characters of [a-z0-9._-].")
        }
    }

    static func password(_ value: String, _ field: String, policy: PasswordPolicy) throws(AccountsError) {
        guard value.count >= policy.minimumPasswordLength else {
            throw .invalidArgument(
                field: field, reason: "must be at least \(policy.minimumPasswordLength) characters.")
        }
        try maximum(value, field, policy.maximumPasswordLength)
    }

    static func email(_ value: String, _ field: String) throws(AccountsError) {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !value.contains(where: \.isWhitespace)
        else { throw .invalidArgument(field: field, reason: "must be an email address.") }
    }

    static func timeZone(_ value: String, _ field: String) throws(AccountsError) {
        guard !value.isEmpty, value.count <= 64, TimeZone(identifier: value) != nil else {
            throw .invalidArgument(field: field, reason: "must be an IANA time zone such as Asia/Shanghai.")
        }
    }

    /// An id with the given type prefix (`mer`, `acc`, ...).
    static func id(_ value: String, _ field: String, prefix: String) throws(AccountsError) {
        guard !value.isEmpty else { throw .invalidArgument(field: field, reason: "required.") }
        guard value.hasPrefix("\(prefix)_"), value.count <= 64 else {
            throw .invalidArgument(field: field, reason: "must be an id starting with '\(prefix)_'.")
        }
    }

    /// A page size: 0 means `defaultSize`, otherwise 1-500.
    static func pageSize(_ value: UInt32, _ field: String, defaultSize: Int = 50) throws(AccountsError) -> Int {
        if value == 0 { return defaultSize }
        guard value <= 500 else { throw .invalidArgument(field: field, reason: "must be between 1 and 500.") }
        return Int(value)
    }
}
