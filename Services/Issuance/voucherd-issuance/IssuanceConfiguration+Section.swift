import Foundation
import IssuanceService
import VoucherdRuntime

extension IssuanceConfiguration {
    /// The keys the config file's `issuance` object may hold.
    static let sectionKeys: Set<String> = [
        "default-page-size", "maximum-page-size", "maximum-grant-size", "referral-campaign-id",
        "checkout-callers", "default-lock-seconds", "maximum-lock-seconds",
        // Read by IssuanceSettings into the rate-limit interceptor's configuration.
        RateLimitInterceptor.Configuration.sectionKey,
    ]

    /// Reads the policies from the config file's `issuance` object. Absent keys keep the
    /// library's documented defaults; unknown keys stop the process, so a typo is not silently
    /// ignored. `checkout-callers` is a comma-separated list of certificate identities (the
    /// section reader has no arrays).
    ///
    /// ```json
    /// {"issuance": {"default-page-size": 50, "maximum-page-size": 500, "maximum-grant-size": 10000,
    ///               "referral-campaign-id": "", "checkout-callers": "spiffe://voucherd/service/redemption",
    ///               "default-lock-seconds": 120, "maximum-lock-seconds": 900}}
    /// ```
    /// - Parameter section: the `issuance` object, or nil.
    /// - Throws: ``ConfigurationError`` naming the key path, such as `issuance.maximum-page-size`.
    init(section: ConfigurationSection?) throws(ConfigurationError) {
        self.init()
        guard let section else { return }
        try section.rejectUnknownKeys(known: Self.sectionKeys)
        if let value = try section.integer("default-page-size", in: 1...10_000) { self.defaultPageSize = Int(value) }
        if let value = try section.integer("maximum-page-size", in: 1...10_000) { self.maximumPageSize = Int(value) }
        if let value = try section.integer("maximum-grant-size", in: 1...1_000_000) { self.maximumGrantSize = Int(value) }
        self.referralCampaignID = try section.string("referral-campaign-id") ?? self.referralCampaignID
        if let callers = try section.string("checkout-callers") {
            self.checkoutCallers = Set(callers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        if let value = try section.integer("default-lock-seconds", in: 1...86_400) { self.defaultLockSeconds = Int(value) }
        if let value = try section.integer("maximum-lock-seconds", in: 1...86_400) { self.maximumLockSeconds = Int(value) }
        guard self.defaultPageSize <= self.maximumPageSize else {
            throw ConfigurationError(key: section.keyPath("default-page-size"), problem: "must not exceed maximum-page-size (\(self.maximumPageSize))")
        }
        guard self.defaultLockSeconds <= self.maximumLockSeconds else {
            throw ConfigurationError(key: section.keyPath("default-lock-seconds"), problem: "must not exceed maximum-lock-seconds (\(self.maximumLockSeconds))")
        }
    }
}
