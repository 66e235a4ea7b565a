/// Writes canonical codes of one format as ASCII bytes, for generating them by the million.
///
/// ``CouponCodeFormat/generate(using:)`` makes one `CouponCode` at a time, with an array and a
/// string per code and one random value per symbol. Bulk generation needs neither: this writer
/// appends the bytes straight to a buffer and draws the random symbols from 64-bit words,
/// twelve 5-bit symbols from each word's top 60 bits. Symbols are exactly uniform, because 32
/// divides 2^64 and no bits are shared between symbols.
///
/// The first twelve random symbols come from a word the caller passes (`lead`), most
/// significant symbol first, and the alphabet's byte order is its value order. So codes written
/// from ascending leads come out in ascending canonical order: a caller that sorts its random
/// leads fills a B-tree index in order, and the codes are still independent uniform draws,
/// only written in another order.
public struct CanonicalCodeWriter: Sendable {
    /// Random symbols one 64-bit word supplies.
    public static let symbolsPerWord = 12

    private let prefix: [UInt8]
    private let randomLength: Int

    /// A writer of `format`'s canonical codes.
    public init(format: CouponCodeFormat) {
        self.prefix = Array(format.canonicalPrefix.utf8)
        self.randomLength = format.randomLength
    }

    /// Bytes in each code: the canonical prefix, the random symbols and the check symbol.
    public var codeLength: Int { self.prefix.count + self.randomLength + 1 }

    /// Appends one canonical code to `bytes`: its first random symbols from `lead`, any beyond
    /// twelve from `generator`, then the check symbol.
    public func append<G: RandomNumberGenerator>(lead: UInt64, using generator: inout G, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: self.prefix)
        var word = lead
        var left = Self.symbolsPerWord
        var sum = 0
        for index in 0..<self.randomLength {
            if left == 0 {
                word = generator.next()
                left = Self.symbolsPerWord
            }
            let value = Int(word >> 59)
            word <<= 5
            left -= 1
            bytes.append(CrockfordBase32.byte(value))
            // Luhn mod 32 doubles every second symbol counting from the last random one, the
            // same sum `CouponCodeFormat.checkValue` computes from the right.
            let doubled = (self.randomLength - 1 - index).isMultiple(of: 2)
            let addend = doubled ? value * 2 : value
            sum += addend / 32 + addend % 32
        }
        bytes.append(CrockfordBase32.byte((32 - sum % 32) % 32))
    }
}
