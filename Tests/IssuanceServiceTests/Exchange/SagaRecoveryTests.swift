import Foundation
import GRDB
import GRPCCore
@testable import IssuanceService
import Testing
import VoucherdModel
import VoucherdStore

/// A crash between any two saga steps, then `resumeSagas()` on a fresh service over the same
/// store file: the points and the coupons end consistent, and retries get the first answer.
@Suite struct SagaRecoveryTests {
    /// Creates a 300-point campaign (of `inventory`) in a first service, gives c1 1,000 points,
    /// and makes one exchange with `faults` on, expecting it to fail with `code`.
    private func interruptedExchange(
        _ store: ReopenableIssuanceStore, faults: Set<FakePointsLedger.Fault>, code: RPCError.Code,
        inventory: UInt64 = 10, perUserTotal: UInt32 = 0
    ) async throws -> String {
        try await store.run { (harness: IssuanceHarness) async throws in
            store.points.setBalance("c1", 1_000)
            let campaign = try await harness.activeCampaign {
                $0.rules.pointsPrice = 300
                $0.rules.inventory = inventory
                $0.rules.perUserTotal = perUserTotal
            }
            store.points.setFaults(faults)
            await expectStatus(code) { _ = try await harness.exchange(campaign.campaignID, as: "c1", key: "x-1") }
            store.points.setFaults([])
            return campaign.campaignID
        }
    }

    /// Resumes on a fresh service once the resume delay has passed.
    private func resume(_ store: ReopenableIssuanceStore) async throws -> Int {
        store.clock.advance(by: 60)
        return try await store.run { harness in try await harness.service.resumeSagas() }
    }

    @Test func spendNeverReachedIdentityResumeSpendsAndIssues() async throws {
        try await withReopenableIssuanceStore { store in
            let campaignID = try await interruptedExchange(store, faults: [.spendUnreachable], code: .unavailable)
            #expect(store.points.balance("c1") == 1_000)
            #expect(try await resume(store) == 1)
            try await store.run { (harness: IssuanceHarness) async throws in
                #expect(store.points.balance("c1") == 700)
                #expect(try await harness.couponCount(of: "c1") == 1)
                let coupon = try await harness.exchange(campaignID, as: "c1", key: "x-1")
                #expect(coupon.origin == "points")
                #expect(try await harness.couponCount(of: "c1") == 1)
                #expect(try await harness.sagaStates() == ["completed"])
            }
        }
    }

    @Test func spendAppliedButItsReplyLostResumeSpendsOnceAndIssues() async throws {
        try await withReopenableIssuanceStore { store in
            _ = try await interruptedExchange(store, faults: [.spendReplyLost], code: .unavailable)
            #expect(store.points.balance("c1") == 700)
            #expect(try await resume(store) == 1)
            #expect(store.points.balance("c1") == 700)
            #expect(store.points.applied == FakePointsLedger.Applied(spends: 1, refunds: 0))
            try await store.run { (harness: IssuanceHarness) async throws in
                #expect(try await harness.couponCount(of: "c1") == 1)
                #expect(try await harness.sagaStates() == ["completed"])
            }
        }
    }

    @Test func crashAfterTheSpendWasRecordedResumeIssuesWithoutSpendingAgain() async throws {
        try await withReopenableIssuanceStore { store in
            _ = try await interruptedExchange(store, faults: [.spendReplyLost], code: .unavailable)
            // What a process that died right after recording the spend leaves behind.
            try await store.run { (harness: IssuanceHarness) async throws in
                try await harness.environment.writer.write { db in
                    try db.execute(sql: "UPDATE points_sagas SET state = 'spent', spend_entry_id = 'pe_1'")
                }
            }
            store.points.setFaults([.spendUnreachable])
            #expect(try await resume(store) == 1)
            #expect(store.points.balance("c1") == 700)
            try await store.run { (harness: IssuanceHarness) async throws in
                #expect(try await harness.couponCount(of: "c1") == 1)
                #expect(try await harness.sagaStates() == ["completed"])
            }
        }
    }

    @Test func stockGoneBeforeTheResumeRefundsThePoints() async throws {
        try await withReopenableIssuanceStore { store in
            let campaignID = try await interruptedExchange(store, faults: [.spendReplyLost], code: .unavailable, inventory: 1)
            try await store.run { harness in _ = try await harness.claim(campaignID, as: "c2") }
            #expect(try await resume(store) == 1)
            #expect(store.points.balance("c1") == 1_000)
            try await store.run { (harness: IssuanceHarness) async throws in
                #expect(try await harness.couponCount(of: "c1") == 0)
                #expect(try await harness.sagaStates() == ["compensated"])
                await expectStatus(.resourceExhausted) { _ = try await harness.exchange(campaignID, as: "c1", key: "x-1") }
            }
            #expect(store.points.applied == FakePointsLedger.Applied(spends: 1, refunds: 1))
        }
    }

    @Test func refundUnreachableTheAnswerStandsAndResumeRefunds() async throws {
        try await withReopenableIssuanceStore { store in
            let campaignID = try await store.run { (harness: IssuanceHarness) async throws in
                store.points.setBalance("c1", 1_000)
                let campaign = try await harness.activeCampaign {
                    $0.rules.pointsPrice = 300
                    $0.rules.perUserTotal = 1
                }
                _ = try await harness.claim(campaign.campaignID, as: "c1")
                store.points.setFaults([.refundUnreachable])
                // The issue was refused; that is the answer, though the refund is still owed.
                await expectStatus(.failedPrecondition) { _ = try await harness.exchange(campaign.campaignID, as: "c1", key: "x-1") }
                #expect(try await harness.sagaStates() == ["compensating"])
                await expectStatus(.failedPrecondition) { _ = try await harness.exchange(campaign.campaignID, as: "c1", key: "x-1") }
                return campaign.campaignID
            }
            #expect(store.points.balance("c1") == 700)
            // Still down: the saga waits for the next pass.
            #expect(try await resume(store) == 0)
            store.points.setFaults([])
            #expect(try await resume(store) == 1)
            #expect(store.points.balance("c1") == 1_000)
            try await store.run { (harness: IssuanceHarness) async throws in
                #expect(try await harness.sagaStates() == ["compensated"])
                await expectStatus(.failedPrecondition) { _ = try await harness.exchange(campaignID, as: "c1", key: "x-1") }
            }
        }
    }

    @Test func refundAppliedButItsReplyLostResumeRefundsOnce() async throws {
        try await withReopenableIssuanceStore { store in
            _ = try await store.run { (harness: IssuanceHarness) async throws in
                store.points.setBalance("c1", 1_000)
                let campaign = try await harness.activeCampaign {
                    $0.rules.pointsPrice = 300
                    $0.rules.perUserTotal = 1
                }
                _ = try await harness.claim(campaign.campaignID, as: "c1")
                store.points.setFaults([.refundReplyLost])
                await expectStatus(.failedPrecondition) { _ = try await harness.exchange(campaign.campaignID, as: "c1", key: "x-1") }
                store.points.setFaults([])
            }
            #expect(store.points.balance("c1") == 1_000)
            #expect(try await resume(store) == 1)
            #expect(store.points.balance("c1") == 1_000)
            #expect(store.points.applied == FakePointsLedger.Applied(spends: 1, refunds: 1))
        }
    }

    @Test func resumeLeavesYoungSagasToTheirRequestAndIgnoresFinishedOnes() async throws {
        try await withReopenableIssuanceStore { store in
            _ = try await interruptedExchange(store, faults: [.spendUnreachable], code: .unavailable)
            try await store.run { (harness: IssuanceHarness) async throws in
                #expect(try await harness.service.resumeSagas() == 0)
                #expect(try await harness.sagaStates() == ["started"])
            }
            #expect(try await resume(store) == 1)
            #expect(try await resume(store) == 0)
            #expect(store.points.applied == FakePointsLedger.Applied(spends: 1, refunds: 0))
        }
    }
}
