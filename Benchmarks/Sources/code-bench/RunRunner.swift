#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
@_spi(Benchmarks) import IssuanceService
import VoucherdModel
import VoucherdStore

/// Runs one generation on a fresh store in `directory` and checks what it left behind.
struct RunRunner {
    let count: Int
    /// Codes another campaign stores first, untimed: a store that already holds codes.
    let existing: Int
    /// Nil: the RPC handler with its standard sizes.
    let sizes: IssuanceService.CodeRunSizes?
    let probeInterval: Duration?
    let checkExport: Bool
    let commitTimes: CommitTimes

    func run(in directory: URL) async throws -> RunResult {
        defer { try? FileManager.default.removeItem(at: directory) }
        let bench = try BenchIssuance(directory: directory)
        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await bench.writer.run() }
            do {
                let result = try await self.measure(bench)
                await bench.writer.close()
                try await group.waitForAll()
                return result
            } catch {
                await bench.writer.close()
                try? await group.waitForAll()
                throw error
            }
        }
        try bench.store.pool.close()
        return result
    }

    private func measure(_ bench: BenchIssuance) async throws -> RunResult {
        if self.existing > 0 {
            let other = try await bench.codeCampaign(inventory: self.existing)
            _ = try await bench.generate(campaignID: other, count: self.existing, key: UUID().uuidString, sizes: nil)
        }
        let campaignID = try await bench.codeCampaign(inventory: self.count)
        _ = self.commitTimes.take()
        let probe = self.probeInterval.map { interval in
            Task { await WriteProbe(writer: bench.writer, interval: interval).run() }
        }
        let cpuBefore = Self.cpuSeconds()
        let started = ContinuousClock.now
        let progress = try await bench.generate(campaignID: campaignID, count: self.count, key: UUID().uuidString, sizes: self.sizes)
        let elapsed = ContinuousClock.now - started
        let cpu = Self.cpuSeconds() - cpuBefore
        probe?.cancel()
        let probeLatencies = await probe?.value
        let commits = self.commitTimes.take()

        var gaps: [Duration] = []
        var previous = started
        for entry in progress {
            gaps.append(entry.at - previous)
            previous = entry.at
        }

        let (rows, distinct, onCampaign) = try await bench.store.pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COUNT(DISTINCT code) FROM campaign_codes")
            let generated = try Int.fetchOne(db, sql: "SELECT codes_generated FROM campaigns WHERE id = ?", arguments: [campaignID])
            return (row?[0] ?? -1, row?[1] ?? -1, generated ?? -1) as (Int, Int, Int)
        }
        let walPath = bench.store.configuration.databaseURL.path + "-wal"
        let walBytes = Self.fileSize(walPath)
        let synchronous = try await bench.store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
        let databaseBytes = Self.fileSize(bench.store.configuration.databaseURL.path)

        var exported: RunResult.Exported?
        if self.checkExport {
            let codes = try await bench.export(campaignID: campaignID)
            let format = CouponCodeFormat()
            let canonical = codes.compactMap { format.parse($0)?.canonical }
            exported = .init(codes: codes.count, distinct: Set(codes).count, valid: canonical.count)
        }

        let sizes = self.sizes ?? .standard
        return RunResult(
            count: self.count,
            existingCodes: self.existing,
            chunkSize: sizes.chunk,
            windowSize: sizes.window,
            elapsedSeconds: elapsed.seconds,
            codesPerSecond: Double(self.count) / elapsed.seconds,
            cpuSeconds: cpu,
            progressMessages: progress.count,
            firstProgressSeconds: gaps.first?.seconds ?? 0,
            longestProgressGapSeconds: gaps.map(\.seconds).max() ?? 0,
            writerTransactions: .init(nanoseconds: commits),
            probeWrites: probeLatencies.map { RunResult.Latency(nanoseconds: $0) },
            rowsInTable: rows,
            distinctCodesInTable: distinct,
            codesGeneratedOnCampaign: onCampaign,
            exported: exported,
            synchronous: synchronous,
            walBytesAfterRun: walBytes,
            databaseBytes: databaseBytes,
            databaseBytesPerCode: Double(databaseBytes) / Double(self.count + self.existing))
    }

    private static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    private static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
