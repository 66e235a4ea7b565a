#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRPCCore
import Synchronization
import Testing
import VoucherdModel

/// Invariants 4 and 5 across kill -9 of the real process: every acknowledged points operation
/// survives, a retry with the same idempotency key applies at most once, and the balance equals
/// the sum of the ledger. Needs the real identity library (login, consumers, points).
@Suite("Points across kill -9 (needs the identity library)", .timeLimit(.minutes(3)))
struct PointsCrashTests {
    /// One points operation, identified by its idempotency key (also sent as the reference).
    struct Operation: Sendable {
        var key: String
        var points: Int64
        var isSpend: Bool
    }

    /// What the server acknowledged before it died.
    final class Acknowledgements: Sendable {
        private let state = Mutex<(entries: [String: Voucherd_V1_PointsEntry], killed: Bool)>(([:], false))
        let killAfter: Int
        let onThreshold: @Sendable () -> Void

        init(killAfter: Int, onThreshold: @escaping @Sendable () -> Void) {
            self.killAfter = killAfter
            self.onThreshold = onThreshold
        }

        var killed: Bool { self.state.withLock { $0.killed } }
        var entries: [String: Voucherd_V1_PointsEntry] { self.state.withLock { $0.entries } }

        func record(_ key: String, _ entry: Voucherd_V1_PointsEntry) {
            let fire = self.state.withLock { state -> Bool in
                state.entries[key] = entry
                guard !state.killed, state.entries.count >= self.killAfter else { return false }
                state.killed = true
                return true
            }
            if fire { self.onThreshold() }
        }
    }

    static let operationCount = 3_000
    static let concurrency = 32
    static let openingBalance: Int64 = 1_000_000

    static func operations() -> [Operation] {
        var operations: [Operation] = []
        operations.reserveCapacity(Self.operationCount)
        for index in 0..<Self.operationCount {
            let points = Int64(index % 50 + 1)
            operations.append(Operation(key: "e2e-crash-\(index)", points: points, isSpend: index % 3 == 2))
        }
        return operations
    }

    /// Sends one operation; the entry if acknowledged.
    static func send(_ operation: Operation, consumerID: String, client: IdentityClient, token: String) async throws -> Voucherd_V1_PointsEntry {
        var options = CallOptions.defaults
        options.timeout = .seconds(20)
        if operation.isSpend {
            var request = Voucherd_V1_SpendPointsRequest()
            request.consumerID = consumerID
            request.points = operation.points
            request.reason = "e2e"
            request.reference = operation.key
            request.idempotencyKey = operation.key
            return try await client.spendPoints(request, metadata: bearer(token), options: options).entry
        } else {
            var request = Voucherd_V1_AccruePointsRequest()
            request.consumerID = consumerID
            request.points = operation.points
            request.reason = "e2e"
            request.reference = operation.key
            request.idempotencyKey = operation.key
            return try await client.accruePoints(request, metadata: bearer(token), options: options).entry
        }
    }

    @Test("kill -9 mid-stream loses no acknowledged operation and the ledger still sums")
    func killDuringPoints() async throws {
        try await withIdentityFixture { fixture in
            let operations = Self.operations()
            var consumerID = ""

            // Phase 1: a stream of concurrent operations, killed after 500 acknowledgements.
            let first = try await RunningIdentity.start(fixture)
            let pid = first.child.pid
            let acknowledgements = Acknowledgements(killAfter: 500) { _ = kill(pid, SIGKILL) }
            do {
                try await first.withClients(fixture) { client, _ in
                    let token = try await client.loginBootstrapOperator().accessToken
                    let consumer = try await client.register(externalID: "e2e-crash-consumer", token: token)
                    var opening = Voucherd_V1_AccruePointsRequest()
                    opening.consumerID = consumer.consumerID
                    opening.points = Self.openingBalance
                    opening.reference = "opening"
                    opening.idempotencyKey = "e2e-crash-opening"
                    _ = try await client.accruePoints(opening, metadata: bearer(token))
                    let id = consumer.consumerID
                    await withTaskGroup(of: Void.self) { group in
                        var next = 0
                        func addNext() {
                            guard next < operations.count else { return }
                            let operation = operations[next]
                            next += 1
                            group.addTask {
                                guard !acknowledgements.killed else { return }
                                if let entry = try? await Self.send(operation, consumerID: id, client: client, token: token) {
                                    acknowledgements.record(operation.key, entry)
                                }
                            }
                        }
                        for _ in 0..<Self.concurrency { addNext() }
                        while await group.next() != nil { addNext() }
                    }
                    consumerID = id
                }
            } catch {
                // The client may notice the dead connection on shutdown; the record is what counts.
            }
            let exit = await first.child.waitForExit()
            #expect(exit.killed && exit.status == SIGKILL, "the process was not killed: \(exit)")
            let acknowledged = acknowledgements.entries
            #expect(acknowledged.count >= 500)
            try #require(!consumerID.isEmpty)

            // Phase 2: restart on the same data directory and check, retry, check again.
            try await withRunningIdentity(fixture) { second in
                try await second.withClients(fixture) { client, _ in
                    let token = try await client.loginBootstrapOperator().accessToken
                    let before = try await client.allEntries(of: consumerID, token: token)
                    let stored = Dictionary(before.entries.map { ($0.entryID, $0) }, uniquingKeysWith: { first, _ in first })
                    for (key, entry) in acknowledged {
                        let found = stored[entry.entryID]
                        #expect(found != nil, "acknowledged \(key) (\(entry.entryID)) was lost")
                        #expect(found?.points == entry.points)
                    }
                    #expect(before.balance == before.entries.reduce(0) { $0 + $1.points })

                    // Retry everything not acknowledged (some may have committed unanswered),
                    // and a sample of acknowledged ones, which must answer with their first entry.
                    for operation in operations where acknowledged[operation.key] == nil {
                        _ = try await Self.send(operation, consumerID: consumerID, client: client, token: token)
                    }
                    for operation in operations.prefix(200) {
                        guard let original = acknowledged[operation.key] else { continue }
                        let again = try await Self.send(operation, consumerID: consumerID, client: client, token: token)
                        #expect(again.entryID == original.entryID, "\(operation.key) applied twice")
                    }

                    let after = try await client.allEntries(of: consumerID, token: token)
                    let references = after.entries.map(\.reference).filter { $0.hasPrefix("e2e-crash-") }
                    #expect(references.count == Self.operationCount, "each operation applied exactly once")
                    #expect(Set(references).count == references.count, "an idempotency key applied twice")
                    let sum = after.entries.reduce(Int64(0)) { $0 + $1.points }
                    #expect(after.balance == sum)
                    let expected = Self.openingBalance
                        + operations.reduce(Int64(0)) { $0 + ($1.isSpend ? -$1.points : $1.points) }
                    #expect(sum == expected)
                    var member = Voucherd_V1_GetMemberRequest()
                    member.consumerID = consumerID
                    #expect(try await client.getMember(member, metadata: bearer(token)).pointsBalance == sum)
                }
            }
        }
    }
}
