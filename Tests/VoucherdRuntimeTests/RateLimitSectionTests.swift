import Testing
import VoucherdRuntime

@Suite("Rate limits from the config file")
struct RateLimitSectionTests {
    static let defaults = RateLimitInterceptor.Configuration(
        perPrincipal: RateLimit(ratePerSecond: 2_000, burst: 4_000),
        perDevice: RateLimit(ratePerSecond: 20, burst: 40),
        perClientAddress: RateLimit(ratePerSecond: 5_000, burst: 10_000)
    )

    static func section(_ limits: [String: ConfigurationValue]) -> ConfigurationSection {
        ConfigurationSection(path: "issuance", values: ["rate-limits": .object(limits)])
    }

    @Test("absent section or dimension keeps the defaults")
    func defaultsKept() throws {
        #expect(try RateLimitInterceptor.Configuration(section: nil, defaults: Self.defaults) == Self.defaults)
        let partial = try RateLimitInterceptor.Configuration(
            section: Self.section(["per-device": .object(["rate": .number(5), "burst": .number(7)])]), defaults: Self.defaults)
        #expect(partial.perDevice == RateLimit(ratePerSecond: 5, burst: 7))
        #expect(partial.perPrincipal == Self.defaults.perPrincipal)
        #expect(partial.perClientAddress == Self.defaults.perClientAddress)
    }

    @Test("rate 0 turns a dimension off; burst defaults to one second's worth")
    func offAndBurst() throws {
        let limits = try RateLimitInterceptor.Configuration(
            section: Self.section([
                "per-client-address": .object(["rate": .number(0)]),
                "per-principal": .object(["rate": .number(250.5)]),
            ]),
            defaults: Self.defaults)
        #expect(limits.perClientAddress == nil)
        #expect(limits.perPrincipal == RateLimit(ratePerSecond: 250.5, burst: 251))
    }

    @Test(
        "bad values name the key",
        arguments: [
            (["per-adress": ConfigurationValue.object(["rate": .number(1)])], "issuance.rate-limits"),
            (["per-device": .object(["burst": .number(3)])], "issuance.rate-limits.per-device.rate"),
            (["per-device": .object(["rate": .number(-1)])], "issuance.rate-limits.per-device.rate"),
            (["per-device": .object(["rate": .number(1), "burst": .number(0)])], "issuance.rate-limits.per-device.burst"),
            (["per-device": .string("fast")], "issuance.rate-limits.per-device"),
        ])
    func refusals(limits: [String: ConfigurationValue], key: String) {
        #expect {
            _ = try RateLimitInterceptor.Configuration(section: Self.section(limits), defaults: Self.defaults)
        } throws: { error in
            (error as? ConfigurationError)?.key.hasPrefix(key) == true
        }
    }
}
