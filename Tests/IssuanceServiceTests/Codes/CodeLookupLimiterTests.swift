import Foundation
import GRPCCore
@testable import IssuanceService
import Testing
import VoucherdModel

@Suite struct CodeLookupLimiterTests {
    @Test func allowsABurstOfFailuresThenOneMorePerInterval() {
        let clock = TestClock()
        let limiter = CodeLookupLimiter(configuration: .init(burst: 3, interval: 10), now: { clock.now })
        for _ in 0..<3 {
            #expect(limiter.admits("c1"))
            limiter.recordFailure("c1")
        }
        #expect(!limiter.admits("c1"))
        #expect(limiter.admits("c2"))
        clock.advance(by: 9)
        #expect(!limiter.admits("c1"))
        clock.advance(by: 1)
        #expect(limiter.admits("c1"))
        limiter.recordFailure("c1")
        #expect(!limiter.admits("c1"))
    }

    @Test func aFullTableMakesRoomOnceForAQuarterAndKeepsTheDeepestDebts() {
        let clock = TestClock()
        let limiter = CodeLookupLimiter(configuration: .init(burst: 2, interval: 10, maximumTracked: 100), now: { clock.now })
        // A caller deep in debt, then 150 callers with one failure each, none of it paid back.
        for _ in 0..<5 { limiter.recordFailure("guesser") }
        for caller in 0..<150 {
            limiter.recordFailure("c\(caller)")
            #expect(limiter.trackedCount <= 100)
        }
        // Room was made for a quarter at a time, dropping the debts nearest to being paid:
        // the guesser's stays, and so does the newest caller's.
        #expect(!limiter.admits("guesser"))
        limiter.recordFailure("c149")
        #expect(!limiter.admits("c149"))
        #expect(limiter.trackedCount >= 75)
    }

    @Test func claimCodeRefusesACallerThatFailedTooOften() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign()
            try await harness.generate(campaign.campaignID, count: 1)
            let code = try #require(try await harness.export(campaign.campaignID).first?.code)
            for attempt in 0..<10 {
                await expectStatus(.notFound) { _ = try await harness.claimCode("guess-\(attempt)", as: "c1") }
            }
            // Even a real code: the caller is out of lookups, and learns nothing about it.
            await expectStatus(.resourceExhausted) { _ = try await harness.claimCode(code, as: "c1") }
            let other = try await harness.claimCode(code, as: "c2")
            #expect(other.consumerID == "c2")
            harness.clock.advance(by: 6)
            await expectStatus(.notFound) { _ = try await harness.claimCode(code, as: "c1") }
        }
    }
}
