import Foundation
import GRDB
import GRPCCore
@_spi(Benchmarks) @testable import IssuanceService
import Synchronization
import Testing
import VoucherdModel
import VoucherdStore

/// How GenerateCodes cuts a run into sorted windows and chunks, resumes it, and replaces codes
/// that collide.
@Suite struct CodeChunkTests {
    private static let small = IssuanceService.CodeRunSizes(chunk: 10, window: 25)

    private func codesByRow(_ harness: IssuanceHarness) async throws -> [String] {
        try await harness.environment.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT code FROM campaign_codes ORDER BY rowid")
        }
    }

    @Test func chunksStopAtWindowBoundariesAndEachWindowIsStoredInOrder() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 100)
            let progress = try await harness.generate(campaign.campaignID, count: 60, sizes: Self.small)
            #expect(progress.map(\.generated) == [10, 20, 25, 35, 45, 50, 60])
            #expect(progress.map(\.done) == [false, false, false, false, false, false, true])
            let codes = try await self.codesByRow(harness)
            #expect(codes.count == 60 && Set(codes).count == 60)
            #expect(codes.allSatisfy { CouponCodeFormat().parse($0)?.canonical == $0 })
            for window in [codes[0..<25], codes[25..<50], codes[50..<60]] {
                #expect(Array(window) == window.sorted())
            }
            #expect(try await harness.count("SELECT codes_generated FROM campaigns") == 60)
        }
    }

    @Test func aRunCutOffMidwayResumesFromItsLastStoredChunk() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 100)
            // The client goes away after two progress messages (10, 20); the third chunk, the
            // window's last 5, is stored before its message fails.
            await #expect(throws: (any Error).self) {
                try await harness.generate(
                    campaign.campaignID, count: 60, key: "cut", sizes: Self.small, into: .init(failingAfter: 2))
            }
            #expect(try await harness.count("SELECT COUNT(*) FROM campaign_codes") == 25)
            #expect(try await harness.count("SELECT generated FROM code_runs") == 25)
            let resumed = try await harness.generate(campaign.campaignID, count: 60, key: "cut", sizes: Self.small)
            #expect(resumed.map(\.generated) == [35, 45, 50, 60])
            let codes = try await self.codesByRow(harness)
            #expect(codes.count == 60 && Set(codes).count == 60)
            #expect(try await harness.count("SELECT codes_generated FROM campaigns") == 60)
            // Finished: a further retry generates nothing.
            #expect(try await harness.generate(campaign.campaignID, count: 60, key: "cut").map(\.generated) == [60])
        }
    }

    /// A run recorded directly, as `startRun` records it, and what `storeChunk` needs with it.
    private func openRun(
        _ harness: IssuanceHarness, campaignID: String, total: Int64, generated: Int64 = 0
    ) async throws -> (CodeRunRepository.Run, CampaignRecord, Int64) {
        try await harness.environment.writer.write { db in
            let run = CodeRunRepository.Run(
                principal: "acct-m1", key: UUID().uuidString, requestHash: Data([1]), campaignID: campaignID,
                total: total, generated: 0)
            try CodeRunRepository.insert(run, now: 0, in: db)
            if generated > 0 { try CodeRunRepository.advance(run, by: generated, now: 0, in: db) }
            return (run, try CampaignRepository.require(campaignID, in: db), try CodeRepository.number(of: campaignID, in: db))
        }
    }

    @Test func collisionsWithStoredCodesAndWithinTheChunkAreReplaced() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 100)
            try await harness.generate(campaign.campaignID, count: 5)
            let stored = try await self.codesByRow(harness)
            let (run, record, number) = try await self.openRun(harness, campaignID: campaign.campaignID, total: 10)
            var random = SystemRandomNumberGenerator()
            let new = (0..<6).map { _ in CouponCodeFormat().generate(using: &random).canonical }
            // 3 already stored, 1 twice: 6 of 10 go in at first, 4 must be replaced.
            let chunk = CodeChunk(codes: Array(stored.prefix(3)) + [new[0]] + new)
            let asked = Mutex<[Int]>([])
            let generated = try await harness.service.storeChunk(
                chunk, of: run, campaign: record, number: number, actor: "acct-m1"
            ) { count in
                asked.withLock { $0.append(count) }
                var mint = CodeMint(format: CouponCodeFormat(), random: SystemRandomNumberGenerator())
                return mint.fresh(count: count)
            }
            #expect(generated == 10)
            #expect(asked.withLock { $0 } == [4])
            let codes = try await self.codesByRow(harness)
            #expect(codes.count == 15 && Set(codes).count == 15)
            #expect(Set(new).isSubset(of: Set(codes)))
            #expect(try await harness.count("SELECT generated FROM code_runs WHERE total = 10") == 10)
            #expect(try await harness.count("SELECT codes_generated FROM campaigns") == 15)
        }
    }

    @Test func aChunkNeverOvershootsWhatTheRunHasLeft() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 100)
            // A concurrent retry of the same run stored 7 of its 10 meanwhile.
            let (run, record, number) = try await self.openRun(harness, campaignID: campaign.campaignID, total: 10, generated: 7)
            var mint = CodeMint(format: CouponCodeFormat(), random: SystemRandomNumberGenerator())
            let generated = try await harness.service.storeChunk(
                mint.fresh(count: 10), of: run, campaign: record, number: number, actor: "acct-m1"
            ) { _ in
                Issue.record("nothing collided")
                return CodeChunk(codes: [])
            }
            #expect(generated == 10)
            #expect(try await harness.count("SELECT COUNT(*) FROM campaign_codes") == 3)
        }
    }

    @Test func aGeneratorThatOnlyRepeatsItselfFailsTheChunkAndStoresNothing() async throws {
        try await withIssuanceService { harness in
            let campaign = try await harness.codeCampaign(inventory: 100)
            try await harness.generate(campaign.campaignID, count: 5)
            let stored = try await self.codesByRow(harness)
            let (run, record, number) = try await self.openRun(harness, campaignID: campaign.campaignID, total: 3)
            var random = SystemRandomNumberGenerator()
            let fresh = CouponCodeFormat().generate(using: &random).canonical
            let asked = Mutex(0)
            await #expect(throws: IssuanceError.self) {
                _ = try await harness.service.storeChunk(
                    CodeChunk(codes: [fresh, stored[0], stored[1]]), of: run, campaign: record, number: number, actor: "acct-m1"
                ) { count in
                    asked.withLock { $0 += 1 }
                    return CodeChunk(codes: Array(repeating: stored[2], count: count))
                }
            }
            #expect(asked.withLock { $0 } == 16)
            // The chunk's savepoint rolled back: not even the one fresh code was kept.
            #expect(try await self.codesByRow(harness) == stored)
            #expect(try await harness.count("SELECT generated FROM code_runs WHERE total = 3") == 0)
            #expect(try await harness.count("SELECT codes_generated FROM campaigns") == 5)
        }
    }
}
