import BenchSupport
import Foundation

/// Everything one run found out: what ran where, the timed phase's counts, rates and
/// percentiles per outcome, failures by code, the verification checks and the targets.
struct LoadReport: Codable, Sendable {
    /// The scenario's command name, such as `flash-sale`.
    var scenario: String
    var label: String?
    /// When the timed phase started, ISO 8601.
    var startedAt: String
    var machine: Machine
    /// The command line's effective options.
    var options: [String: String]
    /// Seconds spent in each setup step (registering users, minting tokens, …), in order.
    var setup: [Phase]
    /// Calls made in the timed phase: answered plus failed.
    var attempts: Int
    var answered: Int
    var failures: Int
    var elapsedSeconds: Double
    /// Attempts (answered or not) per second.
    var attemptsPerSecond: Double
    /// Every answered call, whatever its outcome.
    var allAnswered: LatencySummary
    /// Per outcome, most frequent first.
    var outcomes: [OutcomeSummary]
    var failuresByCode: [String: Int]
    /// The first error message per failure code.
    var failureExamples: [String: String]
    /// Invariants checked after the run; any failure fails the command.
    var checks: [Check]
    /// Performance targets from the design; informational.
    var targets: [Check]

    /// True when every check passed.
    var passed: Bool { self.checks.allSatisfy(\.passed) }

    /// One setup step and how long it took.
    struct Phase: Codable, Sendable, Hashable {
        var name: String
        var seconds: Double
    }

    /// One outcome's latencies.
    struct OutcomeSummary: Codable, Sendable, Hashable {
        var outcome: Outcome
        var latency: LatencySummary
    }

    init(
        scenario: String, label: String?, startedAt: Date, machine: Machine, options: [String: String],
        setup: [Phase], tally: Tally, checks: [Check], targets: [Check]
    ) {
        self.scenario = scenario
        self.label = label
        self.startedAt = startedAt.formatted(.iso8601)
        self.machine = machine
        self.options = options
        self.setup = setup
        let elapsed = Double(tally.elapsed.components.seconds) + Double(tally.elapsed.components.attoseconds) / 1e18
        self.attempts = tally.attempts
        self.answered = tally.answered
        self.failures = tally.failures
        self.elapsedSeconds = elapsed
        self.attemptsPerSecond = elapsed > 0 ? Double(tally.attempts) / elapsed : 0
        self.allAnswered = LatencySummary(tally.allAnswered, elapsedSeconds: elapsed)
        self.outcomes = tally.histograms
            .map { OutcomeSummary(outcome: $0.key, latency: LatencySummary($0.value, elapsedSeconds: elapsed)) }
            .sorted { ($0.latency.count, $1.outcome) > ($1.latency.count, $0.outcome) }
        self.failuresByCode = tally.failuresByCode
        self.failureExamples = tally.failureExamples
        self.checks = checks
        self.targets = targets
    }

    /// The JSON form: snake_case keys, sorted, pretty-printed.
    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
