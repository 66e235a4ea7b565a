import BenchSupport
import Foundation
import GRPCCore
import Testing

@testable import voucherd_load

@Suite("Load report")
struct LoadReportTests {
    static func sampleReport(checks: [Check] = [Check("ok", passed: true, detail: "fine")]) -> LoadReport {
        var tally = Tally()
        for micros in 1...100 { tally.record(Outcome("claimed"), latency: .microseconds(micros * 10)) }
        for micros in 1...300 { tally.record(Outcome("sold_out"), latency: .microseconds(micros)) }
        tally.recordFailure(RPCError(code: .unavailable, message: "connection refused"))
        tally.elapsed = .seconds(2)
        return LoadReport(
            scenario: "flash-sale", label: "group-commit-on", startedAt: Date(timeIntervalSince1970: 0),
            machine: Machine(uname: "Linux", nproc: 2, cpu: "test", memoryBytes: 1, loadAverageBefore: "0", loadAverageAfter: "1", gitRevision: "abc"),
            options: ["concurrency": "64"], setup: [.init(name: "mint", seconds: 1.5)], tally: tally, checks: checks,
            targets: FlashSaleVerification.targets(attemptsPerSecond: 200.5, p99Ms: 3))
    }

    @Test("totals and rates count failures as attempts but not as answers")
    func totals() {
        let report = Self.sampleReport()
        #expect(report.attempts == 401)
        #expect(report.answered == 400)
        #expect(report.failures == 1)
        #expect(report.attemptsPerSecond == 200.5)
        #expect(report.outcomes.map(\.outcome.name) == ["sold_out", "claimed"])
        #expect(report.allAnswered.count == 400)
        #expect(report.passed)
        #expect(!Self.sampleReport(checks: [Check("bad", passed: false, detail: "")]).passed)
    }

    @Test("the JSON has the documented snake_case shape")
    func jsonShape() throws {
        let data = try Self.sampleReport().jsonData()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in [
            "scenario", "label", "started_at", "machine", "options", "setup", "attempts", "answered", "failures",
            "elapsed_seconds", "attempts_per_second", "all_answered", "outcomes", "failures_by_code",
            "failure_examples", "checks", "targets",
        ] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let all = try #require(object["all_answered"] as? [String: Any])
        #expect(Set(all.keys) == ["count", "per_second", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms"])
        let outcomes = try #require(object["outcomes"] as? [[String: Any]])
        #expect(outcomes.first?["outcome"] as? String == "sold_out")
        #expect((outcomes.first?["latency"] as? [String: Any])?["count"] as? Int == 300)
        #expect(object["failures_by_code"] as? [String: Int] == ["unavailable": 1])
        let machine = try #require(object["machine"] as? [String: Any])
        #expect(machine["git_revision"] as? String == "abc")
        #expect(machine["nproc"] as? Int == 2)
    }

    @Test("the table names every outcome, the failures, checks and targets")
    func table() {
        let table = Self.sampleReport().table
        #expect(table.contains("OUTCOME"))
        #expect(table.contains("P99.9 ms"))
        #expect(table.contains("claimed"))
        #expect(table.contains("sold_out"))
        #expect(table.contains("(all answered)"))
        #expect(table.contains("unavailable: 1"))
        #expect(table.contains("[PASS] ok"))
        #expect(table.contains("[MISSED] ≥ 20000 attempts/s"))
        #expect(table.contains("[met] p99 ≤ 25 ms"))
        #expect(table.contains("401 attempts"))
    }
}
