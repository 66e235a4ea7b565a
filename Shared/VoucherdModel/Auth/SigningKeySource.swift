public import Foundation

/// One public signing key as the identity service publishes it (a JWKS-like entry).
public struct PublishedSigningKey: Sendable, Hashable {
    /// The key id tokens name in their `kid` header.
    public var kid: String
    /// The raw 32-byte Ed25519 public key.
    public var publicKey: Data

    /// Creates a published key.
    /// - Parameters:
    ///   - kid: the key id.
    ///   - publicKey: the raw 32-byte Ed25519 public key.
    public init(kid: String, publicKey: Data) {
        self.kid = kid
        self.publicKey = publicKey
    }
}

/// Where verifiers get the identity service's current public signing keys.
public protocol SigningKeySource: Sendable {
    /// The keys currently published, including recently retired ones still in use.
    func currentKeys() async throws -> [PublishedSigningKey]
}

/// A fixed (or test-adjustable) key set.
public struct StaticSigningKeySource: SigningKeySource {
    private let keys: [PublishedSigningKey]

    /// Creates a source that always returns `keys`.
    /// - Parameter keys: the published keys.
    public init(_ keys: [PublishedSigningKey]) {
        self.keys = keys
    }

    /// Returns the fixed keys.
    public func currentKeys() async throws -> [PublishedSigningKey] {
        self.keys
    }
}
