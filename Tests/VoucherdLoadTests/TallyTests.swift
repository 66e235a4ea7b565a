import GRPCCore
import Histogram
import Testing

@testable import voucherd_load

@Suite("Tally and latency summaries")
struct TallyTests {
    @Test("percentiles of 1…10000 µs come out within HdrHistogram's 3 significant digits")
    func percentilesFromAKnownSet() {
        var tally = Tally()
        for micros in 1...10_000 {
            tally.record(.ok, latency: .microseconds(micros))
        }
        tally.elapsed = .seconds(2)
        let summary = LatencySummary(tally.allAnswered, elapsedSeconds: 2)
        #expect(summary.count == 10_000)
        #expect(summary.perSecond == 5_000)
        #expect(abs(summary.p50Ms - 5.0) <= 0.01)
        #expect(abs(summary.p90Ms - 9.0) <= 0.01)
        #expect(abs(summary.p99Ms - 9.9) <= 0.01)
        #expect(abs(summary.p999Ms - 9.99) <= 0.01)
        #expect(abs(summary.maxMs - 10.0) <= 0.01)
        #expect(abs(summary.meanMs - 5.0005) <= 0.01)
    }

    @Test("an empty histogram summarises to zeros")
    func emptySummary() {
        let summary = LatencySummary(Tally.emptyHistogram(), elapsedSeconds: 0)
        #expect(summary == LatencySummary(Tally.emptyHistogram(), elapsedSeconds: 1))
        #expect(summary.count == 0 && summary.p99Ms == 0 && summary.perSecond == 0)
    }

    @Test("failures are counted by code and never enter a histogram")
    func failureAccounting() {
        var tally = Tally()
        tally.record(Outcome("claimed"), latency: .milliseconds(5))
        tally.record(Outcome("sold_out"), latency: .milliseconds(1))
        tally.recordFailure(RPCError(code: .unavailable, message: "gone"))
        tally.recordFailure(RPCError(code: .unavailable, message: "gone again"))
        tally.recordFailure(RPCError(code: .deadlineExceeded, message: "slow"))
        tally.recordFailure(CancellationError())
        #expect(tally.answered == 2)
        #expect(tally.failures == 4)
        #expect(tally.attempts == 6)
        #expect(tally.failuresByCode == ["unavailable": 2, "deadlineExceeded": 1, "cancelled": 1])
        #expect(tally.failureExamples["unavailable"]?.contains("gone") == true)
        #expect(tally.failureExamples["unavailable"]?.contains("again") == false)
        #expect(tally.allAnswered.totalCount == 2)
        #expect(tally.count(of: Outcome("claimed")) == 1)
    }

    @Test("merging adds histograms and failures and keeps the longest elapsed time")
    func merge() {
        var first = Tally()
        first.record(.ok, latency: .milliseconds(1))
        first.recordFailure(RPCError(code: .internalError, message: "a"))
        first.elapsed = .seconds(1)
        var second = Tally()
        second.record(.ok, latency: .milliseconds(2))
        second.record(Outcome("other"), latency: .milliseconds(3))
        second.recordFailure(RPCError(code: .internalError, message: "b"))
        second.elapsed = .seconds(3)
        first.merge(second)
        #expect(first.count(of: .ok) == 2)
        #expect(first.count(of: Outcome("other")) == 1)
        #expect(first.failuresByCode == ["internalError": 2])
        #expect(first.failureExamples["internalError"]?.contains("a") == true)
        #expect(first.elapsed == .seconds(3))
    }

    @Test("latencies beyond the trackable range are clamped, not dropped")
    func clamping() {
        var tally = Tally()
        tally.record(.ok, latency: .seconds(600))
        #expect(tally.answered == 1)
        #expect(Tally.microseconds(.seconds(-1)) == 0)
        #expect(Tally.microseconds(.milliseconds(1500)) == 1_500_000)
    }
}
