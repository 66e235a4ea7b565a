import IdentityService
import VoucherdRuntime

extension IdentityConfiguration {
    /// The policy objects the config file's `identity` section may hold.
    static let sectionKeys: Set<String> = ["tokens", "passwords", "members", "referrals"]

    /// Reads the policies from the config file's `identity` object. Absent objects and keys keep
    /// the library's documented defaults; unknown keys stop the process, so a typo is not
    /// silently ignored. Durations are whole seconds.
    ///
    /// ```json
    /// {"identity": {
    ///   "tokens": {"issuer": "voucherd-identity", "audience": "voucherd",
    ///              "access-token-seconds": 900, "refresh-token-seconds": 2592000,
    ///              "rotation-seconds": 86400},
    ///   "passwords": {"iterations": 600000, "minimum-length": 12,
    ///                 "maximum-failed-logins": 5, "lockout-seconds": 900},
    ///   "members": {"currency": "CNY", "silver-spend-minor-units": 100000, "silver-points": 5000,
    ///               "gold-spend-minor-units": 500000, "gold-points": 20000},
    ///   "referrals": {"threshold": 3, "reward-minor-units": 5000, "reward-currency": "CNY",
    ///                 "campaign-id": ""}}}
    /// ```
    /// - Parameter section: the `identity` object, or nil.
    /// - Throws: ``ConfigurationError`` naming the key path, such as `identity.tokens.issuer`.
    init(section: ConfigurationSection?) throws(ConfigurationError) {
        self.init()
        guard let section else { return }
        try section.rejectUnknownKeys(known: Self.sectionKeys)
        if let tokens = try section.section("tokens") {
            try tokens.rejectUnknownKeys(known: ["issuer", "audience", "access-token-seconds", "refresh-token-seconds", "rotation-seconds"])
            self.tokens.issuer = try tokens.string("issuer") ?? self.tokens.issuer
            self.tokens.audience = try tokens.string("audience") ?? self.tokens.audience
            if let seconds = try tokens.integer("access-token-seconds", in: 30...86_400) { self.tokens.accessTokenLifetime = .seconds(seconds) }
            if let seconds = try tokens.integer("refresh-token-seconds", in: 60...31_536_000) { self.tokens.refreshTokenLifetime = .seconds(seconds) }
            if let seconds = try tokens.integer("rotation-seconds", in: 60...31_536_000) { self.tokens.rotationInterval = .seconds(seconds) }
        }
        if let passwords = try section.section("passwords") {
            try passwords.rejectUnknownKeys(known: ["iterations", "minimum-length", "maximum-failed-logins", "lockout-seconds"])
            if let value = try passwords.integer("iterations", in: 1_000...10_000_000) { self.passwords.iterations = Int(value) }
            if let value = try passwords.integer("minimum-length", in: 8...128) { self.passwords.minimumPasswordLength = Int(value) }
            if let value = try passwords.integer("maximum-failed-logins", in: 1...1_000) { self.passwords.maximumFailedLogins = Int(value) }
            if let value = try passwords.integer("lockout-seconds", in: 1...86_400) { self.passwords.lockoutDuration = .seconds(value) }
        }
        if let members = try section.section("members") {
            try members.rejectUnknownKeys(known: ["currency", "silver-spend-minor-units", "silver-points", "gold-spend-minor-units", "gold-points"])
            self.members.currency = try members.string("currency") ?? self.members.currency
            var rules = self.members.rules
            for (index, rule) in rules.enumerated() {
                let name = rule.tier.rawValue
                if let spend = try members.integer("\(name)-spend-minor-units", in: 0...Int64.max) { rules[index].minimumLifetimeSpendMinorUnits = spend }
                if let points = try members.integer("\(name)-points", in: 0...Int64.max) { rules[index].minimumLifetimePoints = points }
            }
            self.members.rules = rules
        }
        if let referrals = try section.section("referrals") {
            try referrals.rejectUnknownKeys(known: ["threshold", "reward-minor-units", "reward-currency", "campaign-id"])
            if let value = try referrals.integer("threshold", in: 0...1_000) { self.referrals.threshold = UInt32(value) }
            if let value = try referrals.integer("reward-minor-units", in: 1...Int64.max) { self.referrals.rewardMinorUnits = value }
            self.referrals.rewardCurrency = try referrals.string("reward-currency") ?? self.referrals.rewardCurrency
            self.referrals.campaignID = try referrals.string("campaign-id") ?? self.referrals.campaignID
        }
    }
}
