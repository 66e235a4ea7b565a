import Crypto
import CryptoExtras
import Dispatch
import Foundation

/// PBKDF2-HMAC-SHA256 password hashes in the form `pbkdf2-sha256$<iterations>$<salt>$<hash>`
/// (salt and hash base64url). The parameters travel with the hash so they can be raised later.
///
/// Hashing is deliberately slow (hundreds of milliseconds at production cost): callers hash
/// before entering `GroupCommitWriter.write`, never inside it, or every write in the batch waits.
struct PasswordHasher: Sendable {
    static let scheme = "pbkdf2-sha256"
    static let outputByteCount = 32

    let policy: PasswordPolicy

    /// A parsed stored hash.
    struct Stored: Sendable, Hashable {
        var iterations: Int
        var salt: Data
        var hash: Data
    }

    /// Hashes `password` with a fresh salt and the policy's iterations.
    func hash(_ password: String) throws -> String {
        let salt = Data(AccountIdentifiers.randomBytes(max(16, policy.saltByteCount)))
        let derived = try Self.derive(password, salt: salt, iterations: policy.iterations)
        return [
            Self.scheme, String(policy.iterations), AccountIdentifiers.base64URL(salt),
            AccountIdentifiers.base64URL(derived),
        ].joined(separator: "$")
    }

    /// Whether `password` matches `stored`, compared in constant time. A malformed stored hash
    /// never matches.
    func verify(_ password: String, against stored: String) -> Bool {
        guard let parsed = Self.parse(stored),
            let derived = try? Self.derive(password, salt: parsed.salt, iterations: parsed.iterations)
        else { return false }
        return AccountIdentifiers.constantTimeEquals(derived, parsed.hash)
    }

    /// Whether a stored hash was made with weaker parameters than the policy's.
    func needsRehash(_ stored: String) -> Bool {
        guard let parsed = Self.parse(stored) else { return true }
        return parsed.iterations < policy.iterations
    }

    /// ``hash(_:)`` on a global dispatch queue: a production-cost hash takes hundreds of
    /// milliseconds of CPU, which must not occupy one of the few cooperative-pool threads.
    func hashOffPool(_ password: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try self.hash(password) })
            }
        }
    }

    /// ``verify(_:against:)`` on a global dispatch queue, like ``hashOffPool(_:)``.
    func verifyOffPool(_ password: String, against stored: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: self.verify(password, against: stored))
            }
        }
    }

    /// Splits a stored hash into its parameters.
    static func parse(_ stored: String) -> Stored? {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.scheme, let iterations = Int(parts[1]),
            iterations > 0, let salt = AccountIdentifiers.fromBase64URL(parts[2]),
            let hash = AccountIdentifiers.fromBase64URL(parts[3]), hash.count == outputByteCount
        else { return nil }
        return Stored(iterations: iterations, salt: salt, hash: hash)
    }

    private static func derive(_ password: String, salt: Data, iterations: Int) throws -> Data {
        // The unchecked variant because tests lower the cost; the policy's default is the
        // OWASP-strength value and a test pins it.
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Data(password.utf8), salt: salt, using: .sha256, outputByteCount: outputByteCount,
            unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Data($0) }
    }
}
