/// Douglas Crockford's base-32 alphabet: digits and capitals without I, L, O and U, so a code
/// read aloud or typed from paper cannot be mistaken for another. Decoding forgives the
/// usual misreadings (`O`→0, `I`/`L`→1) and lower case.
public enum CrockfordBase32 {
    /// The 32 symbols, in value order.
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    private static let encodeTable: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The symbol for a value.
    /// - Parameter value: 0 to 31.
    public static func symbol(_ value: Int) -> Character {
        Self.alphabet[value]
    }

    /// The ASCII byte of the symbol for a value.
    static func byte(_ value: Int) -> UInt8 {
        Self.encodeTable[value]
    }

    /// The value of a symbol, forgiving case and the misreadings Crockford allows.
    /// - Parameter byte: an ASCII byte.
    /// - Returns: 0 to 31, or nil for a byte outside the alphabet (including `U`).
    public static func value(of byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0"), UInt8(ascii: "O"), UInt8(ascii: "o"): return 0
        case UInt8(ascii: "1"), UInt8(ascii: "I"), UInt8(ascii: "i"), UInt8(ascii: "L"), UInt8(ascii: "l"): return 1
        case UInt8(ascii: "2")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        default:
            let upper = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
            guard let index = Self.encodeTable.firstIndex(of: upper) else { return nil }
            return index
        }
    }
}
