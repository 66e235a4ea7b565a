import Foundation
import Testing
import VoucherdModel

/// A deterministic generator, so tests can make many codes reproducibly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

@Suite("Coupon codes")
struct CouponCodeFormatTests {
    @Test func generatedCodesParseBackFromTheirDisplayForm() {
        let format = CouponCodeFormat(prefix: "SPRING-", randomLength: 12, groupSize: 4)
        var generator = SplitMix64(state: 1)
        for _ in 0..<1_000 {
            let code = format.generate(using: &generator)
            let shown = format.display(code)
            #expect(shown.hasPrefix("SPRING-"))
            #expect(shown.count == "SPRING-".count + 13 + 3)
            #expect(format.parse(shown) == code)
            #expect(format.parse(shown.lowercased()) == code)
            #expect(format.parse(shown.replacingOccurrences(of: "-", with: " ")) == code)
        }
    }

    @Test func canonicalFormHasNoSeparatorsAndOnlyCrockfordSymbols() {
        let format = CouponCodeFormat(prefix: "VIP-2026", randomLength: 10, groupSize: 5)
        let code = format.generate()
        #expect(code.canonical.hasPrefix("VIP2026"))
        #expect(code.canonical.count == 7 + 11)
        #expect(code.canonical.dropFirst(7).allSatisfy { CrockfordBase32.alphabet.contains($0) })
    }

    @Test func misreadingsAreForgiven() throws {
        let format = CouponCodeFormat(randomLength: 8, groupSize: 0)
        // Find a code containing 0 and 1, then type them as O and l.
        var generator = SplitMix64(state: 7)
        var code = format.generate(using: &generator)
        while !(code.canonical.contains("0") && code.canonical.contains("1")) { code = format.generate(using: &generator) }
        let typed = code.canonical.replacingOccurrences(of: "0", with: "O").replacingOccurrences(of: "1", with: "l")
        #expect(format.parse(typed) == code)
    }

    @Test func everySingleSymbolTypoIsCaught() {
        let format = CouponCodeFormat(randomLength: 12, groupSize: 0)
        var generator = SplitMix64(state: 42)
        for _ in 0..<50 {
            let code = Array(format.generate(using: &generator).canonical)
            for position in code.indices {
                for symbol in CrockfordBase32.alphabet where symbol != code[position] {
                    var typo = code
                    typo[position] = symbol
                    #expect(format.parse(String(typo)) == nil, "\(String(typo)) passed the check")
                }
            }
        }
    }

    @Test func adjacentSwapsAreCaughtExceptZeroWithZ() {
        let format = CouponCodeFormat(randomLength: 12, groupSize: 0)
        var generator = SplitMix64(state: 9)
        var checked = 0
        for _ in 0..<200 {
            let code = Array(format.generate(using: &generator).canonical)
            for position in 0..<(code.count - 1) where code[position] != code[position + 1] {
                let pair = Set([code[position], code[position + 1]])
                if pair == Set(["0", "Z"]) { continue }
                var swapped = code
                swapped.swapAt(position, position + 1)
                #expect(format.parse(String(swapped)) == nil)
                checked += 1
            }
        }
        #expect(checked > 1_000)
    }

    @Test(arguments: ["", "ABC", "SPRING-0000-0000-0000", "SPRING-UUUU-UUUU-UUUUU", "WINTER-1234-5678-9ABC-D"])
    func malformedInputIsRefused(_ text: String) {
        #expect(CouponCodeFormat(prefix: "SPRING-").parse(text) == nil)
    }

    @Test func formatValidationNamesTheField() {
        #expect(CouponCodeFormat().validationError() == nil)
        #expect(CouponCodeFormat(randomLength: 4).validationError()?.hasPrefix("random_length") == true)
        #expect(CouponCodeFormat(prefix: "spring").validationError()?.hasPrefix("prefix") == true)
        #expect(CouponCodeFormat(prefix: String(repeating: "A", count: 17)).validationError()?.hasPrefix("prefix") == true)
        #expect(CouponCodeFormat(groupSize: -1).validationError()?.hasPrefix("group_size") == true)
    }

    @Test func a100kBatchHasNoDuplicates() {
        let format = CouponCodeFormat()
        var seen = Set<CouponCode>()
        for _ in 0..<100_000 { seen.insert(format.generate()) }
        #expect(seen.count == 100_000)
        #expect(format.entropyBits == 60)
    }
}
