/// Which user makes attempt `index`: uniformly random but a pure function of the seed and
/// the index, so callers share no generator and a run can be reproduced, and the
/// verification can recount each user's attempts afterwards.
struct UserPicker: Sendable, Hashable {
    var seed: UInt64
    var users: Int

    func user(for index: Int) -> Int {
        Int(Self.splitMix64(self.seed &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15) % UInt64(self.users))
    }

    /// Attempts per user over `0..<attempts`.
    func attemptsPerUser(attempts: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: self.users)
        for index in 0..<attempts { counts[self.user(for: index)] += 1 }
        return counts
    }

    /// SplitMix64's finaliser: a good 64-bit mix, cheap enough for the hot path.
    static func splitMix64(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
