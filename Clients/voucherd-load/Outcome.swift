/// How an answered call ended, as the scenario classifies it: a success, or a refusal the
/// scenario expects (sold out, limit reached). Calls that end any other way are failures and
/// are counted by status code in ``Tally``, never here.
struct Outcome: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// A short name for the table and the JSON, such as `claimed`.
    var name: String

    init(_ name: String) { self.name = name }

    /// The call did what it was asked.
    static let ok = Outcome("ok")

    var description: String { self.name }

    static func < (lhs: Outcome, rhs: Outcome) -> Bool { lhs.name < rhs.name }

    init(from decoder: any Decoder) throws {
        self.name = try decoder.singleValueContainer().decode(String.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.name)
    }
}
