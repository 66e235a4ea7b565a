@testable import IssuanceService
import Testing

@Suite struct SoldOutClaimantsTests {
    private func loadToken(_ answer: SoldOutClaimants.Answer) -> SoldOutClaimants.LoadToken? {
        if case .load(let token) = answer { return token }
        return nil
    }

    @Test func theFirstAskerLoadsAndEveryoneElseLooksUpMeanwhile() throws {
        let claimants = SoldOutClaimants()
        let token = try #require(loadToken(claimants.answer("c", consumerID: "a")))
        #expect(claimants.answer("c", consumerID: "b") == .unknown)
        #expect(claimants.finish(token, consumerIDs: ["a", "b"], asking: "q"))
        #expect(claimants.answer("c", consumerID: "a") == .holder)
        #expect(claimants.answer("c", consumerID: "b") == .holder)
        #expect(claimants.answer("c", consumerID: "z") == .never)
        #expect(claimants.loads == 1)
        // Another campaign has its own set.
        #expect(loadToken(claimants.answer("d", consumerID: "a")) != nil)
    }

    @Test func winnersNotedWhileLoadingOrAfterAreHolders() throws {
        let claimants = SoldOutClaimants()
        claimants.noteIssued("c", consumerID: "early")  // nothing kept yet: the read will see it
        let token = try #require(loadToken(claimants.answer("c", consumerID: "a")))
        claimants.noteIssued("c", consumerID: "during")
        claimants.finish(token, consumerIDs: ["early"], asking: "q")
        claimants.noteIssued("c", consumerID: "after")
        #expect(claimants.answer("c", consumerID: "early") == .holder)
        #expect(claimants.answer("c", consumerID: "during") == .holder)
        #expect(claimants.answer("c", consumerID: "after") == .holder)
        #expect(claimants.answer("c", consumerID: "other") == .never)
    }

    @Test func aLoadFinishedAfterForgetIsDroppedAndAFailedReadIsRetried() throws {
        let claimants = SoldOutClaimants()
        let stale = try #require(loadToken(claimants.answer("c", consumerID: "a")))
        claimants.forget("c")
        let fresh = try #require(loadToken(claimants.answer("c", consumerID: "a")))
        #expect(!claimants.finish(stale, consumerIDs: [], asking: "q"))
        #expect(claimants.answer("c", consumerID: "a") == .unknown)  // still loading `fresh`
        #expect(!claimants.finish(fresh, consumerIDs: nil, asking: "q"))
        let retry = try #require(loadToken(claimants.answer("c", consumerID: "a")))
        #expect(!claimants.finish(retry, consumerIDs: ["a"], asking: "a"))
        #expect(claimants.answer("c", consumerID: "a") == .holder)
    }

    @Test func tooManyClaimantsMeansAlwaysLookingUp() throws {
        let claimants = SoldOutClaimants(maximumClaimants: 2)
        let token = try #require(loadToken(claimants.answer("c", consumerID: "a")))
        // A partial read: the asker is not in it, but may be among the rows not read.
        #expect(!claimants.finish(token, consumerIDs: ["a", "b", "x"], asking: "z"))
        #expect(claimants.answer("c", consumerID: "z") == .unknown)
        #expect(claimants.loads == 0)
    }

    @Test func theLeastRecentlyUsedCampaignIsEvicted() throws {
        let claimants = SoldOutClaimants(maximumCampaigns: 2)
        for campaign in ["c1", "c2"] {
            let token = try #require(loadToken(claimants.answer(campaign, consumerID: "a")))
            claimants.finish(token, consumerIDs: ["a"], asking: "q")
        }
        #expect(claimants.answer("c1", consumerID: "z") == .never)  // c1 is now the most recent
        let third = try #require(loadToken(claimants.answer("c3", consumerID: "a")))
        claimants.finish(third, consumerIDs: [], asking: "q")
        #expect(claimants.answer("c1", consumerID: "z") == .never)
        #expect(loadToken(claimants.answer("c2", consumerID: "z")) != nil)
    }

    @Test func theLeastRecentlyUsedCampaignsGoWhenTheTotalIsExceeded() throws {
        let claimants = SoldOutClaimants(maximumTotal: 5)
        for (campaign, ids) in [("c1", ["a", "b"]), ("c2", ["a", "b"])] {
            let token = try #require(loadToken(claimants.answer(campaign, consumerID: "z")))
            claimants.finish(token, consumerIDs: ids, asking: "q")
        }
        let third = try #require(loadToken(claimants.answer("c3", consumerID: "z")))
        claimants.finish(third, consumerIDs: ["a", "b"], asking: "q")  // 6 > 5: c1 goes
        #expect(loadToken(claimants.answer("c1", consumerID: "z")) != nil)
        #expect(claimants.answer("c2", consumerID: "a") == .holder)
        #expect(claimants.answer("c3", consumerID: "a") == .holder)
    }
}
