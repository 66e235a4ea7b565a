import Foundation

/// The opaque `page_token` of list calls: where the previous page stopped, as the (time, id)
/// of its last row, so the next page continues after it however many rows were added since.
struct PageToken: Sendable, Hashable {
    /// The sort time of the last row returned (microseconds).
    var micros: Int64
    /// Its id, breaking ties between rows of the same time.
    var id: String

    /// Decodes a token; an empty string is the first page.
    /// - Throws: INVALID_ARGUMENT naming `page_token` when the token was not made by ``encoded``.
    static func decode(_ token: String) throws(IssuanceError) -> PageToken? {
        guard !token.isEmpty else { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw .invalidArgument(field: "page_token", reason: "not a token this service returned")
        }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let micros = Int64(parts[1]), !parts[2].isEmpty else {
            throw .invalidArgument(field: "page_token", reason: "not a token this service returned")
        }
        return PageToken(micros: micros, id: String(parts[2]))
    }

    /// The token as returned to the caller (URL-safe base64, no padding).
    var encoded: String {
        Data("v1|\(self.micros)|\(self.id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
