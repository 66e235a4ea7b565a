/// Checks of request fields; each failure names the proto field.
enum ConsumerInput {
    static func consumerID(_ value: String, field: String = "consumer_id") throws(ConsumerError) {
        guard !value.isEmpty else { throw .invalidArgument(field: field, problem: "required") }
        guard value.hasPrefix("con_"), value.count <= 64, isPrintableASCII(value) else {
            throw .invalidArgument(field: field, problem: "must be a consumer id ('con_…')")
        }
    }

    static func idempotencyKey(_ value: String) throws(ConsumerError) {
        guard (1...128).contains(value.utf8.count), isPrintableASCII(value) else {
            throw .invalidArgument(field: "idempotency_key", problem: "required, 1-128 printable ASCII characters")
        }
    }

    static func points(_ value: Int64) throws(ConsumerError) {
        do throws(PointsLedgerRules.Violation) { try PointsLedgerRules.checkPoints(value) } catch { throw ConsumerError(error) }
    }

    static func text(_ value: String, field: String, maximum: Int, required: Bool = false) throws(ConsumerError) {
        if required && value.isEmpty { throw .invalidArgument(field: field, problem: "required") }
        guard value.count <= maximum else {
            throw .invalidArgument(field: field, problem: "at most \(maximum) characters")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidArgument(field: field, problem: "must not contain control characters")
        }
    }

    static func phone(_ value: String) throws(ConsumerError) {
        let digits = value.dropFirst()
        guard value.first == "+", (7...15).contains(digits.count), digits.first != "0",
            digits.allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw .invalidArgument(field: "phone", problem: "must be E.164, such as +8613800138000") }
    }

    static func email(_ value: String) throws(ConsumerError) {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !value.contains(where: { $0.isWhitespace || $0.isNewline })
        else { throw .invalidArgument(field: "email", problem: "must be an email address") }
    }

    static func fingerprint(_ value: String) throws(ConsumerError) {
        guard (8...256).contains(value.utf8.count), isPrintableASCII(value) else {
            throw .invalidArgument(field: "fingerprint", problem: "must be 8-256 printable ASCII characters")
        }
    }

    static func purpose(_ value: String) throws(ConsumerError) {
        guard (1...64).contains(value.utf8.count),
            value.unicodeScalars.allSatisfy({ purposeCharacters.contains($0) })
        else { throw .invalidArgument(field: "purpose", problem: "must be 1-64 characters of [a-z0-9_.-]") }
    }

    private static let purposeCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789_.-".unicodeScalars)

    static func policyVersion(_ value: String) throws(ConsumerError) {
        guard (1...64).contains(value.utf8.count), isPrintableASCII(value) else {
            throw .invalidArgument(field: "policy_version", problem: "must be 1-64 printable ASCII characters")
        }
    }

    /// The page size to use: 0 means 50.
    static func pageSize(_ value: UInt32) throws(ConsumerError) -> Int {
        if value == 0 { return 50 }
        guard value <= 500 else { throw .invalidArgument(field: "page_size", problem: "must be between 1 and 500") }
        return Int(value)
    }

    /// The position a page token encodes (`nil` for the first page).
    static func pageToken(_ value: String) throws(ConsumerError) -> Int64? {
        if value.isEmpty { return nil }
        guard let position = Int64(value), position > 0 else {
            throw .invalidArgument(field: "page_token", problem: "is not a token from a previous response")
        }
        return position
    }

    static func isPrintableASCII(_ value: String) -> Bool {
        value.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }
}
