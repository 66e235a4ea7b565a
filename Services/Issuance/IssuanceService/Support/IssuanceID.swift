/// Opaque ids with a type prefix, as the API promises ("cmp_" campaign, "cpn_" coupon): 128
/// random bits from the system's secure generator, so ids can be neither guessed nor counted.
enum IssuanceID {
    /// A new campaign id.
    static func campaign() -> String { make("cmp_") }
    /// A new coupon id.
    static func coupon() -> String { make("cpn_") }
    /// A new points-exchange saga id.
    static func saga() -> String { make("sga_") }

    private static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return prefix + hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
