/// How a campaign's codes look: an optional prefix, random Crockford base-32 symbols, and one
/// check symbol, grouped for reading aloud. For example `SPRING-7KQ2-M9XD-4TB8`, where the last
/// symbol is the check.
///
/// The check symbol is Luhn mod 32 over the random symbols (not Crockford's own mod-37 check,
/// whose extra symbols `*~$=` cannot be read aloud). It catches every single mistyped symbol and
/// every swap of two adjacent symbols but one (`0` with `Z`, which Luhn mod 32 cannot tell
/// apart), so a till rejects a typo without a database lookup.
public struct CouponCodeFormat: Sendable, Hashable, Codable {
    /// Letters, digits or `-`, at most 16 characters, written before the random part. May be empty.
    public var prefix: String
    /// Random symbols per code, 8 to 32 (5 bits of entropy each). Default 12, i.e. 60 bits.
    public var randomLength: Int
    /// Symbols per group when displayed; 0 disables grouping. Default 4.
    public var groupSize: Int

    /// The default: no prefix, 12 random symbols, groups of 4.
    public init(prefix: String = "", randomLength: Int = 12, groupSize: Int = 4) {
        self.prefix = prefix
        self.randomLength = randomLength
        self.groupSize = groupSize
    }

    /// Checks the format's own fields.
    /// - Returns: nil when valid, else which field is wrong and why.
    public func validationError() -> String? {
        if self.prefix.count > 16 { return "prefix: at most 16 characters" }
        let allowed = self.prefix.unicodeScalars.allSatisfy {
            ($0.value >= 65 && $0.value <= 90) || ($0.value >= 48 && $0.value <= 57) || $0 == "-"
        }
        if !allowed { return "prefix: only capital letters, digits and '-'" }
        if !(8...32).contains(self.randomLength) { return "random_length: must be between 8 and 32" }
        if !(0...16).contains(self.groupSize) { return "group_size: must be between 0 and 16" }
        return nil
    }

    /// Bits of entropy per code.
    public var entropyBits: Int { self.randomLength * 5 }

    /// Makes a new code with a cryptographically secure generator.
    public func generate() -> CouponCode {
        var generator = SystemRandomNumberGenerator()
        return self.generate(using: &generator)
    }

    /// Makes a new code from `generator` (tests pass a seeded one).
    public func generate<G: RandomNumberGenerator>(using generator: inout G) -> CouponCode {
        var values: [Int] = []
        values.reserveCapacity(self.randomLength + 1)
        for _ in 0..<self.randomLength {
            values.append(Int(generator.next(upperBound: UInt8(32))))
        }
        values.append(Self.checkValue(values))
        let body = String(decoding: values.map(CrockfordBase32.byte), as: UTF8.self)
        return CouponCode(canonical: self.canonicalPrefix + body)
    }

    /// The prefix as it appears in canonical codes: without its `-` separators.
    public var canonicalPrefix: String {
        self.prefix.filter { $0 != "-" }
    }

    /// Parses what a person typed or a scanner read: ignores case, spaces and separators, maps
    /// the misreadings Crockford allows, and verifies the check symbol.
    /// - Returns: the canonical code, or nil when it cannot be one of this format's codes.
    public func parse(_ text: String) -> CouponCode? {
        var bytes = Array(text.utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") })
        let prefixBytes = Array(self.canonicalPrefix.utf8)
        let upperPrefix = bytes.prefix(prefixBytes.count).map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
        guard upperPrefix == prefixBytes else { return nil }
        bytes.removeFirst(prefixBytes.count)
        guard bytes.count == self.randomLength + 1 else { return nil }
        var values: [Int] = []
        values.reserveCapacity(bytes.count)
        for byte in bytes {
            guard let value = CrockfordBase32.value(of: byte) else { return nil }
            values.append(value)
        }
        guard Self.checkValue(values.dropLast()) == values.last else { return nil }
        let body = String(decoding: values.map(CrockfordBase32.byte), as: UTF8.self)
        return CouponCode(canonical: self.canonicalPrefix + body)
    }

    /// The code as shown to people: the prefix, then the rest in groups.
    public func display(_ code: CouponCode) -> String {
        let body = Array(code.canonical.dropFirst(self.canonicalPrefix.count))
        let shown = self.groupSize > 0 ? Self.grouped(body, size: self.groupSize) : String(body)
        guard !self.prefix.isEmpty else { return shown }
        return self.prefix.hasSuffix("-") ? self.prefix + shown : self.prefix + "-" + shown
    }

    private static func grouped(_ body: [Character], size: Int) -> String {
        var groups: [String] = []
        var index = 0
        while index < body.count {
            groups.append(String(body[index..<min(index + size, body.count)]))
            index += size
        }
        return groups.joined(separator: "-")
    }

    /// Luhn mod N (N = 32): doubling every second symbol from the right makes a swap of
    /// adjacent symbols change the sum, which a plain sum would not.
    static func checkValue<S: Collection<Int>>(_ values: S) -> Int {
        var sum = 0
        var double = true
        for value in values.reversed() {
            var addend = double ? value * 2 : value
            addend = addend / 32 + addend % 32
            sum += addend
            double.toggle()
        }
        return (32 - sum % 32) % 32
    }
}

/// A coupon code in canonical form: the prefix without its display separators, then the
/// random symbols and the check symbol, upper case. Store and compare this form.
public struct CouponCode: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The canonical text.
    public let canonical: String

    init(canonical: String) {
        self.canonical = canonical
    }

    public var description: String { self.canonical }
}
