import Crypto
import Foundation

/// Random identifiers and secrets for the accounts half: prefixed opaque ids, API-key secrets and
/// refresh tokens, and their hashes.
enum AccountIdentifiers {
    /// A new id such as `mer_3f9a…`: the prefix, an underscore and 20 hex digits (80 random bits;
    /// ids are not secrets, only unique).
    static func make(_ prefix: String) -> String {
        "\(prefix)_\(hex(randomBytes(10)))"
    }

    /// A high-entropy secret: 32 random bytes (256 bits), base64url without padding.
    static func secret() -> String {
        base64URL(randomBytes(32))
    }

    /// SHA-256 of a secret's UTF-8 bytes, as stored in place of the secret.
    static func hash(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Compares two byte strings in time independent of where they differ.
    static func constantTimeEquals(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func fromBase64URL(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let remainder = base64.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { base64 += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: base64)
    }
}
