import VoucherdModel

/// One transaction's worth of codes, already in the form the insert reads: a JSON array of
/// canonical codes in ascending order.
struct CodeChunk: Sendable {
    /// `["CODE1","CODE2",…]`; canonical codes are capitals and digits, nothing to escape.
    let json: String
    let count: Int

    /// A chunk of given codes, as tests make them.
    init(codes: [String]) {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for code in codes.sorted() {
            if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: code.utf8)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "]"))
        self.json = String(decoding: bytes, as: UTF8.self)
        self.count = codes.count
    }

    fileprivate init(json: String, count: Int) {
        self.json = json
        self.count = count
    }
}

/// Makes a run's codes off the writer: random leads for a whole window, sorted, then written
/// out a chunk at a time.
///
/// Sorting is what keeps a million codes within seconds. Codes are random, so inserting them in
/// generation order touches every page of the UNIQUE index in every transaction, and each commit
/// rewrites the whole index into the WAL: the work per chunk grows with the table. Sorted, a
/// window's chunks walk the index once from one end to the other, each touching only its own
/// key range. The codes themselves are the same independent uniform draws either way.
struct CodeMint<Random: RandomNumberGenerator> {
    private let writer: CanonicalCodeWriter
    private var random: Random

    init(format: CouponCodeFormat, random: Random) {
        self.writer = CanonicalCodeWriter(format: format)
        self.random = random
    }

    /// `count` random leads in ascending order: the first twelve symbols of as many codes.
    mutating func window(count: Int) -> [UInt64] {
        var leads = [UInt64](repeating: 0, count: count)
        for index in leads.indices { leads[index] = self.random.next() }
        leads.sort()
        return leads
    }

    /// The codes of `leads`, which must be ascending, as one chunk.
    mutating func chunk(_ leads: ArraySlice<UInt64>) -> CodeChunk {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(leads.count * (self.writer.codeLength + 3) + 2)
        bytes.append(UInt8(ascii: "["))
        for lead in leads {
            if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            self.writer.append(lead: lead, using: &self.random, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "]"))
        return CodeChunk(json: String(decoding: bytes, as: UTF8.self), count: leads.count)
    }

    /// `count` new codes as one chunk: replacements for codes that collided.
    mutating func fresh(count: Int) -> CodeChunk {
        let leads = self.window(count: count)
        return self.chunk(leads[...])
    }
}
