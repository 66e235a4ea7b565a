import Testing
import VoucherdRuntime

@Suite struct GCRATests {
    @Test func burstIsAllowedThenLimitedWithRetryAfter() {
        var gcra = GCRA(rate: 1, burst: 3)
        #expect(gcra.check(now: 100) == .allowed)
        #expect(gcra.check(now: 100) == .allowed)
        #expect(gcra.check(now: 100) == .allowed)
        #expect(gcra.check(now: 100) == .limited(retryAfter: .seconds(1)))
        #expect(gcra.check(now: 100.25) == .limited(retryAfter: .milliseconds(750)))
    }

    @Test func recoversAfterTimePasses() {
        var gcra = GCRA(rate: 2, burst: 2)
        #expect(gcra.check(now: 0) == .allowed)
        #expect(gcra.check(now: 0) == .allowed)
        #expect(gcra.check(now: 0) == .limited(retryAfter: .milliseconds(500)))
        #expect(gcra.check(now: 0.5) == .allowed)
        #expect(gcra.check(now: 0.5) == .limited(retryAfter: .milliseconds(500)))
        #expect(gcra.check(now: 10) == .allowed)
        #expect(gcra.check(now: 10) == .allowed)
        #expect(gcra.check(now: 10) != .allowed)
    }

    @Test func limitedRequestsDoNotConsumeCapacity() {
        var gcra = GCRA(rate: 1, burst: 1)
        #expect(gcra.check(now: 0) == .allowed)
        for _ in 0..<10 {
            #expect(gcra.check(now: 0.5) == .limited(retryAfter: .milliseconds(500)))
        }
        #expect(gcra.check(now: 1) == .allowed)
    }

    @Test func sustainedRateIsHonoured() {
        var gcra = GCRA(rate: 4, burst: 1)
        var allowed = 0
        for step in 0..<400 {
            if gcra.check(now: Double(step) * 0.01) == .allowed { allowed += 1 }
        }
        #expect(allowed == 16)
        #expect(gcra.isIdle(now: 10))
        #expect(!gcra.isIdle(now: 3.99))
    }
}
