import Foundation
import GRDB
import GRPCCore
import SwiftProtobuf
@testable import IdentityService
import Testing
import VoucherdModel
import VoucherdStore

/// ReadOutbox: what a pulling consumer (issuance's referral feed) relies on — type filtering,
/// paging, `scanned_through` moving past filtered records, and who may read.
@Suite struct ReadOutboxTests {
    static let reward = "issuance.grant_referral_reward"

    /// Appends `types` to identity's outbox in order (sequences 1, 2, ... on a fresh store).
    static func append(_ types: [String], to environment: IdentityEnvironment) async throws {
        try await environment.writer.write { db in
            for (index, type) in types.enumerated() {
                try environment.outbox.append(
                    producer: IdentityEnvironment.producer, type: type, payload: Data("p\(index)".utf8), in: db)
            }
        }
    }

    static func read(
        _ service: IdentityService, after: UInt64 = 0, limit: UInt32 = 0, types: [String] = [],
        as principal: Principal = TestPrincipals.service, peer: String = issuancePeer
    ) async throws -> Voucherd_V1_ReadOutboxResponse {
        var request = Voucherd_V1_ReadOutboxRequest()
        request.afterSequence = after
        request.limit = limit
        request.types = types
        return try await acting(as: principal) {
            try await service.readOutbox(request: request, context: context("ReadOutbox", peer: peer))
        }
    }

    @Test func aReferralRewardIsReadAsItsCommand() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            let inviter = try await service.register("inviter").consumer
            for index in 1...3 { try await service.register("invitee-\(index)", inviteCode: inviter.inviteCode) }
            let page = try await Self.read(service, types: [Self.reward])
            try #require(page.records.count == 1)
            #expect(page.records[0].type == Self.reward)
            let command = try Voucherd_V1_ReferralRewardCommand(serializedBytes: page.records[0].payload)
            #expect(command.consumerID == inviter.consumerID && command.invitees == 3)
            #expect(page.records[0].createdAtMicros > 0)
            // Registrations and the reward's own event sit around it; the filter passed them over.
            #expect(page.lastSequence > page.records[0].sequence)
            #expect(page.scannedThrough == page.lastSequence)
            let all = try await Self.read(service)
            #expect(all.records.count == Int(all.lastSequence))
            #expect(all.records.map(\.sequence) == Array(1...all.lastSequence))
        }
    }

    @Test func pagesFollowEachOtherWithoutGapsOrRepeats() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, environment in
            try await Self.append(Array(repeating: "t.a", count: 250), to: environment)
            var after: UInt64 = 0
            var sizes: [Int] = []
            var seen: [UInt64] = []
            while true {
                let page = try await Self.read(service, after: after, limit: 100)
                #expect(page.lastSequence == 250)
                if page.records.isEmpty {
                    #expect(page.scannedThrough == 250)
                    break
                }
                sizes.append(page.records.count)
                seen += page.records.map(\.sequence)
                #expect(page.scannedThrough == page.records.last?.sequence)
                after = page.scannedThrough
            }
            #expect(sizes == [100, 100, 50])
            #expect(seen == Array(1...250))
            // limit 0 means 100.
            #expect(try await Self.read(service).records.count == 100)
        }
    }

    @Test func scannedThroughMovesPastRecordsTheFilterDropped() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, environment in
            try await Self.append(["a", "b", "b", "b", "a", "b"], to: environment)
            let first = try await Self.read(service, limit: 1, types: ["a"])
            #expect(first.records.map(\.sequence) == [1])
            #expect(first.scannedThrough == 1, "a full page stops at its last record")
            let second = try await Self.read(service, after: first.scannedThrough, limit: 1, types: ["a"])
            #expect(second.records.map(\.sequence) == [5])
            let third = try await Self.read(service, after: second.scannedThrough, limit: 1, types: ["a"])
            #expect(third.records.isEmpty)
            #expect(third.scannedThrough == 6 && third.lastSequence == 6)
            let none = try await Self.read(service, types: ["c"])
            #expect(none.records.isEmpty && none.scannedThrough == 6)
            let both = try await Self.read(service, types: ["a", "b"])
            #expect(both.records.count == 6)
            // A reader ahead of identity (say identity's store was restored) is not moved back.
            let ahead = try await Self.read(service, after: 40)
            #expect(ahead.records.isEmpty && ahead.scannedThrough == 40 && ahead.lastSequence == 6)
        }
    }

    @Test func oneCallExaminesABoundedRange() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, environment in
            let window = Int(OutboxReading.scanWindow)
            try await Self.append(Array(repeating: "noise", count: window + 50) + ["wanted"], to: environment)
            let first = try await Self.read(service, types: ["wanted"])
            #expect(first.records.isEmpty)
            #expect(first.scannedThrough == UInt64(window) && first.lastSequence == UInt64(window + 51))
            let second = try await Self.read(service, after: first.scannedThrough, types: ["wanted"])
            #expect(second.records.map(\.sequence) == [UInt64(window + 51)])
            #expect(second.scannedThrough == second.lastSequence)
        }
    }

    @Test(arguments: [UInt32(1_001), UInt32.max])
    func aLimitOutOfRangeIsRefused(limit: UInt32) async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            await expectRPCError(.invalidArgument, containing: "limit") { _ = try await Self.read(service, limit: limit) }
            let largest = try await Self.read(service, limit: 1_000)
            #expect(largest.records.isEmpty)
        }
    }

    @Test func badTypeFiltersAreRefused() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, _ in
            await expectRPCError(.invalidArgument, containing: "types[1]") { _ = try await Self.read(service, types: ["a", ""]) }
            let many = (0..<21).map { "t\($0)" }
            await expectRPCError(.invalidArgument, containing: "types") { _ = try await Self.read(service, types: many) }
        }
    }

    @Test func onlyListedCertificatesMayRead() async throws {
        try await withIdentityService(configuration: cheapConfiguration) { service, environment in
            try await Self.append(["a"], to: environment)
            // Both default readers, with a service token.
            _ = try await Self.read(service, peer: "spiffe://voucherd/service/analytics")
            #expect(try await Self.read(service).records.count == 1)
            // The gateway holds a service token too, but not a reader's certificate.
            await expectRPCError(.permissionDenied, containing: "outbox-readers") {
                _ = try await Self.read(service, peer: "spiffe://voucherd/client/gateway")
            }
            // No certificate identity at all.
            await expectRPCError(.permissionDenied) { _ = try await Self.read(service, peer: "in-process") }
            // A consumer's token is refused even from a reader's certificate.
            await expectRPCError(.permissionDenied) { _ = try await Self.read(service, as: TestPrincipals.consumer) }
            await expectRPCError(.permissionDenied) { _ = try await Self.read(service, as: TestPrincipals.merchant("mer_own")) }
            // The operator: from a listed certificate only, like a service.
            _ = try await Self.read(service, as: TestPrincipals.operator)
            await expectRPCError(.permissionDenied) {
                _ = try await Self.read(service, as: TestPrincipals.operator, peer: "spiffe://voucherd/client/operator")
            }
            await expectRPCError(.unauthenticated) {
                _ = try await acting(as: nil) {
                    try await service.readOutbox(request: .init(), context: context("ReadOutbox", peer: issuancePeer))
                }
            }
        }
    }

    @Test func theReaderListIsConfigurable() async throws {
        var configuration = cheapConfiguration
        configuration.outboxReaders = ["spiffe://voucherd/client/operator"]
        try await withIdentityService(configuration: configuration) { service, _ in
            _ = try await Self.read(service, as: TestPrincipals.operator, peer: "spiffe://voucherd/client/operator")
            await expectRPCError(.permissionDenied) { _ = try await Self.read(service) }
        }
    }

    @Test func withoutAResolverNobodyReads() async throws {
        try await withIdentityService(configuration: cheapConfiguration, callers: NoCallerIdentity()) { service, _ in
            await expectRPCError(.permissionDenied) { _ = try await Self.read(service) }
        }
    }
}
