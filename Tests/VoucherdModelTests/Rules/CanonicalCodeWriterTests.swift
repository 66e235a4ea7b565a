import Testing
import VoucherdModel

@Suite("Canonical code writer")
struct CanonicalCodeWriterTests {
    private func codes(_ format: CouponCodeFormat, leads: [UInt64], seed: UInt64 = 3) -> [String] {
        let writer = CanonicalCodeWriter(format: format)
        var generator = SplitMix64(state: seed)
        return leads.map { lead in
            var bytes: [UInt8] = []
            writer.append(lead: lead, using: &generator, to: &bytes)
            #expect(bytes.count == writer.codeLength)
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test(arguments: [8, 11, 12, 13, 24, 25, 32])
    func writesCodesTheFormatParsesBack(randomLength: Int) {
        for prefix in ["", "SPRING-", "VIP-2026"] {
            let format = CouponCodeFormat(prefix: prefix, randomLength: randomLength, groupSize: 4)
            var leads = SplitMix64(state: UInt64(randomLength))
            let written = self.codes(format, leads: (0..<500).map { _ in leads.next() })
            for code in written {
                #expect(format.parse(code)?.canonical == code, "\(code)")
                #expect(format.parse(format.display(format.parse(code)!))?.canonical == code)
            }
            #expect(Set(written).count == written.count)
        }
    }

    @Test func ascendingLeadsWriteAscendingCodes() {
        var generator = SplitMix64(state: 11)
        let leads = (0..<2_000).map { _ in generator.next() }.sorted()
        for length in [8, 12, 20] {
            let written = self.codes(CouponCodeFormat(prefix: "TEA", randomLength: length), leads: leads)
            #expect(written == written.sorted())
        }
    }

    @Test func theLeadGivesTheFirstTwelveSymbolsMostSignificantFirst() {
        // 0b00001 in the top five bits, then 0b11111, then zeros.
        let lead: UInt64 = (1 << 59) | (31 << 54)
        let code = self.codes(CouponCodeFormat(randomLength: 12), leads: [lead])[0]
        #expect(code.hasPrefix("1Z0000000000"))
    }

    @Test func everyPositionUsesEverySymbolAboutEqually() {
        let format = CouponCodeFormat(randomLength: 16)
        var leads = SplitMix64(state: 5)
        let written = self.codes(format, leads: (0..<32_000).map { _ in leads.next() })
        for position in 0..<16 {
            var counts: [Character: Int] = [:]
            for code in written { counts[Array(code)[position], default: 0] += 1 }
            #expect(counts.count == 32)
            // 1,000 expected per symbol; a fair draw stays well within ±20%.
            #expect(counts.values.allSatisfy { (800...1_200).contains($0) }, "position \(position)")
        }
    }
}
