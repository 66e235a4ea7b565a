/// A random tag for one run, in idempotency keys and generated names, so two runs never
/// collide with each other's keys.
enum RunID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = UInt32.random(in: .min ... .max, using: &generator)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
