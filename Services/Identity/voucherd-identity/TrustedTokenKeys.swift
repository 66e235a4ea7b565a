import Foundation
import VoucherdModel
import VoucherdRuntime

/// Extra public keys whose access tokens identity accepts besides its own, read from a JWKS
/// file (`trusted-token-keys`): `{"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "...",
/// "x": "<base64url raw public key>"}]}`.
///
/// Why: tokens signed by another issuer's key (an identity deployment being migrated from, or a
/// test harness that must mint expired or mis-addressed tokens) can be accepted without copying
/// private keys. Only public keys are read; the issuer and audience checks still apply. Leave it
/// unset in production unless you mean to trust that key's holder.
enum TrustedTokenKeys {
    private struct File: Decodable {
        var keys: [Key]
    }

    private struct Key: Decodable {
        var kty: String?
        var crv: String?
        var kid: String
        var x: String
    }

    /// Reads the keys.
    /// - Parameter path: the JWKS file.
    /// - Returns: the keys.
    /// - Throws: ``ConfigurationError`` naming `trusted-token-keys` and what is wrong.
    static func load(path: String) throws(ConfigurationError) -> [PublishedSigningKey] {
        let key = IdentitySettings.trustedTokenKeys.name
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: key, problem: "cannot read file \(path)")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw ConfigurationError(key: key, problem: "\(path) is not a JWKS file ({\"keys\": [{\"kid\", \"x\"}]})")
        }
        var keys: [PublishedSigningKey] = []
        for entry in file.keys {
            guard entry.kty ?? "OKP" == "OKP", entry.crv ?? "Ed25519" == "Ed25519" else {
                throw ConfigurationError(key: key, problem: "key \(entry.kid) in \(path) is not an Ed25519 (OKP) key")
            }
            guard !entry.kid.isEmpty, let raw = Self.base64URLDecode(entry.x), raw.count == 32 else {
                throw ConfigurationError(key: key, problem: "key \"\(entry.kid)\" in \(path) needs a kid and a 32-byte base64url x")
            }
            keys.append(PublishedSigningKey(kid: entry.kid, publicKey: raw))
        }
        return keys
    }

    private static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
