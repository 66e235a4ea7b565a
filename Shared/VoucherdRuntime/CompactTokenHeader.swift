import VoucherdModel
import Foundation

/// The fields of a JWS header the verifier needs before choosing a key.
struct CompactTokenHeader: Decodable, Sendable, Hashable {
    /// Tokens longer than this are rejected unparsed.
    static let maximumTokenLength = 8192

    var alg: String?
    var kid: String?

    /// Parses the header of a compact JWS (`header.payload.signature`), without verifying it.
    static func parse(_ token: String) throws(AuthenticationError) -> CompactTokenHeader {
        guard token.utf8.count <= Self.maximumTokenLength else { throw .malformedToken }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty, !parts[2].isEmpty else {
            throw .malformedToken
        }
        guard let json = Self.base64URLDecode(parts[0]) else { throw .malformedToken }
        do {
            return try JSONDecoder().decode(CompactTokenHeader.self, from: json)
        } catch {
            throw .malformedToken
        }
    }

    private static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let remainder = base64.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { base64 += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: base64)
    }
}
