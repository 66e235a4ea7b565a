import BenchSupport
import Foundation

extension LoadReport {
    /// The report for people: a header, the latency table, failures, checks and targets.
    var table: String {
        var out = "voucherd-load \(self.scenario)"
        if let label { out += " [\(label)]" }
        out += "  \(self.startedAt)  git \(self.machine.gitRevision ?? "unknown")\n"
        out += "machine: \(self.machine.nproc) cpu (\(self.machine.cpu ?? "unknown")), load \(self.machine.loadAverageBefore ?? "unknown") -> \(self.machine.loadAverageAfter ?? "unknown")\n"
        out += "options: " + self.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "\n"
        for phase in self.setup {
            out += "setup: \(phase.name) " + Self.fixed(phase.seconds, 2) + " s\n"
        }
        out += "\n"
        out += "\(self.attempts) attempts in " + Self.fixed(self.elapsedSeconds, 2) + " s = "
            + Self.fixed(self.attemptsPerSecond, 0) + " attempts/s; \(self.answered) answered, \(self.failures) failed\n\n"

        var rows = [["OUTCOME", "COUNT", "PER SEC", "MEAN ms", "P50 ms", "P90 ms", "P99 ms", "P99.9 ms", "MAX ms"]]
        for summary in self.outcomes {
            rows.append(Self.row(summary.outcome.name, summary.latency))
        }
        rows.append(Self.row("(all answered)", self.allAnswered))
        out += Self.align(rows)

        if !self.failuresByCode.isEmpty {
            out += "\nfailures (not in the latencies above):\n"
            for (code, count) in self.failuresByCode.sorted(by: { $0.value > $1.value }) {
                out += "  \(code): \(count)  e.g. \(self.failureExamples[code] ?? "")\n"
            }
        }
        if !self.checks.isEmpty {
            out += "\nchecks:\n"
            for check in self.checks {
                out += "  [\(check.passed ? "PASS" : "FAIL")] \(check.name): \(check.detail)\n"
            }
        }
        if !self.targets.isEmpty {
            out += "\ntargets:\n"
            for target in self.targets {
                out += "  [\(target.passed ? "met" : "MISSED")] \(target.name): \(target.detail)\n"
            }
        }
        return out
    }

    private static func row(_ name: String, _ latency: LatencySummary) -> [String] {
        [
            name, String(latency.count), Self.fixed(latency.perSecond, 0), Self.fixed(latency.meanMs, 3),
            Self.fixed(latency.p50Ms, 3), Self.fixed(latency.p90Ms, 3), Self.fixed(latency.p99Ms, 3),
            Self.fixed(latency.p999Ms, 3), Self.fixed(latency.maxMs, 3),
        ]
    }

    /// Left-aligns the first column and right-aligns the numbers.
    static func align(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows.first?.count ?? 0)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
