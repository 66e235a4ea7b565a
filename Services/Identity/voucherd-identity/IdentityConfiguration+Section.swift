import IdentityService
import VoucherdRuntime

extension IdentityConfiguration {
    /// The policy objects the config file's `identity` section may hold.
    static let sectionKeys: Set<String> = ["tokens", "passwords", "members", "referrals"]

    /// Reads the policies from the config file's `identity` object:
    /// `{"identity": {"tokens": {...}, "passwords": {...}, "members": {...}, "referrals": {...}}}`.
    /// Absent objects and keys keep their defaults; unknown keys stop the process, so a typo is
    /// not silently ignored.
    ///
    /// Each policy documents its keys; as the policies gain fields, each is read here with one
    /// line (`policy.x = try section.integer("x") ?? policy.x`) and added to its known keys.
    /// - Parameter section: the `identity` object, or nil.
    /// - Throws: ``ConfigurationError`` naming the key path, such as `identity.tokens.issuer`.
    init(section: ConfigurationSection?) throws(ConfigurationError) {
        self.init()
        guard let section else { return }
        try section.rejectUnknownKeys(known: Self.sectionKeys)
        if let tokens = try section.section("tokens") {
            try tokens.rejectUnknownKeys(known: [])
        }
        if let passwords = try section.section("passwords") {
            try passwords.rejectUnknownKeys(known: [])
        }
        if let members = try section.section("members") {
            try members.rejectUnknownKeys(known: [])
        }
        if let referrals = try section.section("referrals") {
            try referrals.rejectUnknownKeys(known: [])
        }
    }
}
