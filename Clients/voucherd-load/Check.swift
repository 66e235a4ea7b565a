/// One verification after a run (an invariant the service must keep) or one performance
/// target. A failed check makes the command exit non-zero; a missed target does not, since
/// the box is shared and the figure is for people to judge.
struct Check: Codable, Sendable, Hashable {
    /// What was checked, such as `winners == min(inventory, demand)`.
    var name: String
    var passed: Bool
    /// The figures behind the verdict.
    var detail: String

    init(_ name: String, passed: Bool, detail: String) {
        self.name = name
        self.passed = passed
        self.detail = detail
    }
}
