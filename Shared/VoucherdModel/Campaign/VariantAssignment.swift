/// A/B variants of a campaign, each with a weight. A consumer always gets the same variant of a
/// campaign, on every service and after every restart, because the choice is a stable hash of
/// (campaign, consumer) — not Swift's `Hasher`, which is seeded per process.
public struct VariantAssignment: Sendable, Hashable, Codable {
    /// A variant and its share.
    public struct Variant: Sendable, Hashable, Codable {
        /// Its name, such as "A".
        public var name: String
        /// Its relative weight, 1 to 10,000.
        public var weight: Int

        /// Creates a variant.
        public init(name: String, weight: Int) {
            self.name = name
            self.weight = weight
        }
    }

    /// The variants, in a fixed order (reordering them reassigns consumers).
    public var variants: [Variant]

    /// Creates an assignment.
    public init(variants: [Variant]) {
        self.variants = variants
    }

    /// Checks the variants.
    /// - Returns: nil when valid, else which field is wrong and why.
    public func validationError() -> String? {
        if self.variants.isEmpty || self.variants.count > 16 { return "variants: between 1 and 16 are required" }
        if Set(self.variants.map(\.name)).count != self.variants.count { return "variants: names must be unique" }
        if self.variants.contains(where: { $0.name.isEmpty || $0.name.count > 32 }) { return "variants.name: 1 to 32 characters" }
        if self.variants.contains(where: { !(1...10_000).contains($0.weight) }) { return "variants.weight: must be between 1 and 10000" }
        return nil
    }

    /// The index of the variant a consumer gets.
    /// - Parameters:
    ///   - campaignID: the campaign.
    ///   - consumerID: the consumer.
    public func variantIndex(campaignID: String, consumerID: String) -> Int {
        let total = self.variants.reduce(0) { $0 + max(0, $1.weight) }
        guard total > 0 else { return 0 }
        var point = Int(Self.stableHash(campaignID + "\u{0}" + consumerID) % UInt64(total))
        for (index, variant) in self.variants.enumerated() {
            if point < variant.weight { return index }
            point -= variant.weight
        }
        return self.variants.count - 1
    }

    /// FNV-1a over the UTF-8 bytes, then the splitmix64 finaliser so that similar ids spread
    /// evenly across the weights.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
