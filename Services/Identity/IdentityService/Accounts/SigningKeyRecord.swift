import Foundation
import VoucherdModel

/// One signing key as stored, without its private half.
struct SigningKeyRecord: Sendable, Hashable {
    var kid: String
    var publicKey: Data
    var createdAtMicros: Int64
    /// nil for the current key.
    var retiredAtMicros: Int64?
    /// nil for the current key.
    var publishUntilMicros: Int64?
}

extension SigningKeyRecord {
    /// The record as the API publishes it.
    var proto: Voucherd_V1_SigningKey {
        var key = Voucherd_V1_SigningKey()
        key.kid = kid
        key.algorithm = "EdDSA"
        key.curve = "Ed25519"
        key.publicKey = publicKey
        key.createdAtMicros = createdAtMicros
        key.retiredAtMicros = retiredAtMicros ?? 0
        key.publishUntilMicros = publishUntilMicros ?? 0
        return key
    }
}
