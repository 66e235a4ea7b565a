/// Random identifiers and invite codes, in Crockford base32 (no I, L, O, U: easy to read aloud
/// and to type).
enum ConsumerIdentifiers {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// Length of an invite code: 40 random bits, unguessable across a few million consumers.
    static let inviteCodeLength = 8

    /// A fresh id such as `con_3f9k…`: the prefix then 26 lowercase base32 characters (130 bits).
    static func make(prefix: String) -> String {
        prefix + randomCharacters(26).lowercased()
    }

    /// A fresh invite code: 8 upper-case Crockford base32 characters.
    static func inviteCode() -> String {
        randomCharacters(inviteCodeLength)
    }

    /// A code as a person typed it, canonicalised: upper case, hyphens and spaces dropped, and the
    /// letters Crockford reads as digits (O → 0, I/L → 1) replaced. `nil` when it cannot be a code.
    static func normalizedInviteCode(_ input: String) -> String? {
        var output = ""
        for character in input.uppercased() where character != "-" && character != " " {
            switch character {
            case "O": output.append("0")
            case "I", "L": output.append("1")
            default:
                guard alphabet.contains(character) else { return nil }
                output.append(character)
            }
        }
        return output.count == inviteCodeLength ? output : nil
    }

    private static func randomCharacters(_ count: Int) -> String {
        // SystemRandomNumberGenerator is the platform's cryptographic generator.
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt8(alphabet.count)))] })
    }
}
