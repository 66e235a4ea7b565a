import VoucherdModel

/// Identity's own published keys followed by the configured extra keys (``TrustedTokenKeys``),
/// so the verifier accepts tokens signed by either.
struct CombinedSigningKeySource: SigningKeySource {
    /// The service's own source, read at every refresh (keys rotate).
    let primary: any SigningKeySource
    /// Fixed extra keys.
    let extra: [PublishedSigningKey]

    func currentKeys() async throws -> [PublishedSigningKey] {
        let own = try await self.primary.currentKeys()
        let ownIDs = Set(own.map(\.kid))
        // A configured key never shadows one of the service's own.
        return own + self.extra.filter { !ownIDs.contains($0.kid) }
    }
}
