import Foundation
import GRDB
import GRPCCore
@testable import IdentityService
import SwiftProtobuf
import Testing
import VoucherdModel
import VoucherdStore

@Suite struct ConsumerPointsTests {
    @Test func accrueSpendRefundKeepTheBalance() async throws {
        try await withIdentityService { service, env in
            let id = try await service.register("u-points").consumer.consumerID
            let accrued = try await service.accrue(id, 100)
            #expect(accrued.balance == 100 && accrued.entry.kind == .accrual && accrued.entry.balanceAfter == 100)
            let spent = try await service.spend(id, 60)
            #expect(spent.balance == 40 && spent.entry.points == -60 && spent.entry.kind == .spend)
            let refunded = try await service.refund(id, entry: spent.entry.entryID, 25)
            #expect(refunded.balance == 65 && refunded.entry.refundedEntryID == spent.entry.entryID)
            #expect(refunded.entry.reference == "cpn_1")
            _ = try await service.refund(id, entry: spent.entry.entryID, 35)
            await expectRPCError(.failedPrecondition, containing: "0 points of spend") {
                _ = try await service.refund(id, entry: spent.entry.entryID, 1)
            }
            let member = try await service.member(id)
            #expect(member.pointsBalance == 100 && member.lifetimePoints == 100)
            for type in ["identity.points.accrued", "identity.points.spent", "identity.points.refunded"] {
                #expect(try await env.outboxEvents(type).count >= 1, "\(type)")
            }
            #expect(try await env.auditIsIntact())
        }
    }

    @Test func shortBalanceSaysBalanceAndRequested() async throws {
        try await withIdentityService { service, _ in
            let id = try await service.register("u-short").consumer.consumerID
            try await service.accrue(id, 30)
            await expectRPCError(.failedPrecondition, containing: "balance is 30, requested 31") {
                _ = try await service.spend(id, 31)
            }
            #expect(try await service.member(id).pointsBalance == 30)
        }
    }

    @Test func refundNeedsASpendOfThatConsumer() async throws {
        try await withIdentityService { service, _ in
            let a = try await service.register("u-a").consumer.consumerID
            let b = try await service.register("u-b").consumer.consumerID
            let accrual = try await service.accrue(a, 50)
            let spend = try await service.spend(a, 20)
            await expectRPCError(.invalidArgument, containing: "spend_entry_id") {
                _ = try await service.refund(a, entry: accrual.entry.entryID, 1)
            }
            await expectRPCError(.notFound, containing: "spend_entry_id") {
                _ = try await service.refund(b, entry: spend.entry.entryID, 1)
            }
        }
    }

    @Test func retriesReturnTheFirstAnswerAndDifferentRequestsAreRefused() async throws {
        try await withIdentityService { service, env in
            let id = try await service.register("u-idem").consumer.consumerID
            let first = try await service.accrue(id, 10, key: "accrue-1")
            let retry = try await service.accrue(id, 10, key: "accrue-1")
            #expect(try retry.serializedBytes() as Data == first.serializedBytes() as Data)
            await expectRPCError(.alreadyExists, containing: "idempotency_key") {
                _ = try await service.accrue(id, 11, key: "accrue-1")
            }
            let spend = try await service.spend(id, 4, key: "spend-1")
            #expect(try await service.spend(id, 4, key: "spend-1") == spend)
            let refund = try await service.refund(id, entry: spend.entry.entryID, 4, key: "refund-1")
            #expect(try await service.refund(id, entry: spend.entry.entryID, 4, key: "refund-1") == refund)
            // Another principal's identical key is its own.
            let operatorAccrual = try await service.accrue(id, 10, key: "accrue-1", as: Caller.operator)
            #expect(operatorAccrual.entry.entryID != first.entry.entryID)
            #expect(try await service.member(id).pointsBalance == 20)
            let entries = try await env.store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM points_entry") ?? 0
            }
            #expect(entries == 4)
        }
    }

    @Test func refusedSpendIsNotRememberedUnderItsKey() async throws {
        try await withIdentityService { service, _ in
            let id = try await service.register("u-later").consumer.consumerID
            await expectRPCError(.failedPrecondition) { _ = try await service.spend(id, 5, key: "k") }
            try await service.accrue(id, 5)
            #expect(try await service.spend(id, 5, key: "k").balance == 0)
        }
    }

    @Test func concurrentOperationsNeverGoNegativeAndEntriesSumToTheBalance() async throws {
        try await withIdentityService { service, env in
            let id = try await service.register("u-busy").consumer.consumerID
            try await service.accrue(id, 500)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        do {
                            if index % 3 == 0 {
                                try await service.accrue(id, Int64(1 + index % 7))
                            } else {
                                try await service.spend(id, Int64(5 + index % 11))
                            }
                            return true
                        } catch let error as RPCError where error.code == .failedPrecondition {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.count == 200)
            #expect(outcomes.contains(false), "the load should have exhausted the balance at least once")
            let (balance, sum, minimum, chainBroken) = try await env.store.pool.read { db in
                let balance = try Int64.fetchOne(db, sql: "SELECT balance FROM consumer WHERE id = ?", arguments: [id]) ?? -1
                let sum = try Int64.fetchOne(db, sql: "SELECT SUM(points) FROM points_entry WHERE consumer_id = ?", arguments: [id]) ?? -2
                let minimum = try Int64.fetchOne(db, sql: "SELECT MIN(balance_after) FROM points_entry") ?? -1
                // Each entry's balance_after is the previous one plus its points.
                let broken = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM points_entry e JOIN points_entry p
                      ON p.position = (SELECT MAX(position) FROM points_entry WHERE position < e.position)
                    WHERE e.balance_after <> p.balance_after + e.points
                    """) ?? -1
                return (balance, sum, minimum, broken)
            }
            #expect(balance >= 0 && balance == sum)
            #expect(minimum >= 0)
            #expect(chainBroken == 0)
            #expect(try await env.auditIsIntact())
        }
    }

    @Test func ledgerIsPagedNewestFirst() async throws {
        try await withIdentityService { service, _ in
            let id = try await service.register("u-pages").consumer.consumerID
            for points in 1...7 { try await service.accrue(id, Int64(points)) }
            var request = Voucherd_V1_ListPointsEntriesRequest()
            request.consumerID = id
            request.pageSize = 3
            var seen: [Int64] = []
            while true {
                let page = try await acting(as: Caller.consumer(id)) {
                    try await service.listPointsEntries(request: request, context: testContext())
                }
                #expect(page.balance == 28)
                seen += page.entries.map(\.points)
                if page.nextPageToken.isEmpty { break }
                request.pageToken = page.nextPageToken
            }
            #expect(seen == [7, 6, 5, 4, 3, 2, 1])
        }
    }

    @Test func tiersGoUpWithHistory() async throws {
        try await withIdentityService { service, env in
            let id = try await service.register("u-tier").consumer.consumerID
            #expect(try await service.accrue(id, 100, spend: 99_999).tierChanged == false)
            let silver = try await service.accrue(id, 1, spend: 1)
            #expect(silver.tierChanged && silver.tier == "silver")
            let gold = try await service.accrue(id, 20_000)
            #expect(gold.tierChanged && gold.tier == "gold")
            #expect(try await service.accrue(id, 1).tierChanged == false)
            let member = try await service.member(id)
            #expect(member.tier == "gold")
            #expect(member.lifetimeSpend.minorUnits == 100_000 && member.lifetimeSpend.currency == "CNY")
            #expect(member.tierHistory.map(\.toTier) == ["silver", "gold"])
            #expect(member.tierHistory.map(\.reason) == ["lifetime_spend >= 100000", "lifetime_points >= 20000"])
            #expect(try await env.outboxEvents("identity.member.tier_changed").count == 2)
        }
    }
}
