extension RateLimitInterceptor.Configuration {
    /// The key of the limits object inside a service's config-file section.
    public static let sectionKey = "rate-limits"

    /// The built-in limits of the identity and issuance services, which a config-file section
    /// overrides: generous enough for a batch job or a load test from one service account, and for
    /// a flash sale's burst of claims from one gateway account; low enough that one runaway client
    /// cannot starve the store, and that one phone cannot hammer a claim button. One value, so the
    /// services stay in step unless a service deliberately sets its own.
    public static let serviceDefaults = Self(
        perPrincipal: RateLimit(ratePerSecond: 2_000, burst: 4_000),
        perDevice: RateLimit(ratePerSecond: 20, burst: 40),
        perClientAddress: RateLimit(ratePerSecond: 5_000, burst: 10_000)
    )

    /// Reads a service's limits from its config-file section, over `defaults`:
    ///
    /// ```json
    /// {"issuance": {"rate-limits": {"per-principal": {"rate": 2000, "burst": 4000},
    ///                               "per-device": {"rate": 20, "burst": 40},
    ///                               "per-client-address": {"rate": 5000, "burst": 10000}}}}
    /// ```
    ///
    /// A dimension left out keeps its default; `{"rate": 0}` turns it off (a gateway that fronts
    /// many users from one address needs its address limit raised or off). Every call from one
    /// client address shares that address's limit, so a load test from one machine needs it off.
    /// - Parameters:
    ///   - section: the service's section (such as `issuance`), or nil.
    ///   - defaults: the service's built-in limits.
    /// - Throws: ``ConfigurationError`` naming the key at fault.
    public init(section: ConfigurationSection?, defaults: Self) throws(ConfigurationError) {
        self = defaults
        guard let limits = try section?.section(Self.sectionKey) else { return }
        try limits.rejectUnknownKeys(known: ["per-principal", "per-device", "per-client-address"])
        self.perPrincipal = try Self.limit(limits, "per-principal", default: defaults.perPrincipal)
        self.perDevice = try Self.limit(limits, "per-device", default: defaults.perDevice)
        self.perClientAddress = try Self.limit(limits, "per-client-address", default: defaults.perClientAddress)
    }

    private static func limit(_ limits: ConfigurationSection, _ key: String, default value: RateLimit?) throws(ConfigurationError) -> RateLimit? {
        guard let object = try limits.section(key) else { return value }
        try object.rejectUnknownKeys(known: ["rate", "burst"])
        guard let rate = try object.number("rate") else {
            throw ConfigurationError(key: object.keyPath("rate"), problem: "required: requests per second, or 0 for no limit")
        }
        guard rate >= 0, rate.isFinite else {
            throw ConfigurationError(key: object.keyPath("rate"), problem: "must be 0 (no limit) or positive, not \(rate)")
        }
        if rate == 0 { return nil }
        let burst = try object.integer("burst", in: 1...10_000_000) ?? Int64(max(1, rate.rounded(.up)))
        return RateLimit(ratePerSecond: rate, burst: Int(burst))
    }
}
