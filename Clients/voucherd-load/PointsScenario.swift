import BenchSupport
import Foundation
import GRPCCore
import VoucherdModel
import XRPC

/// The points scenario: durable, idempotent writes on identity's points ledger, verified
/// against what the callers were told.
struct PointsScenario: Sendable {
    static let defaultRequests = 20_000

    var endpoints: [XRPCEndpoint]
    var connection: ConnectionOptions
    var load: LoadOptions
    var apiKey: String
    var consumers: Int
    var userPrefix: String?
    var runID = RunID.make()

    /// Points for call `index`: 1-10, varied so a lost or doubled call shows in the sum.
    static func points(for index: Int) -> Int64 { Int64(1 + index % 10) }

    func run() async throws -> LoadReport {
        let plan = self.load.plan(defaultRequests: Self.defaultRequests)
        return try await ClientPool.with(endpoints: self.endpoints, tls: self.connection.tls, connections: self.connection.connections) { pool in
            var setup = SetupPhases()
            let registrar = ConsumerRegistrar(pool: pool, setupConcurrency: self.load.setupConcurrency)
            let token = try await setup.measure("exchange the API key") { try await registrar.serviceToken(apiKey: self.apiKey) }
            let prefix = self.userPrefix ?? "load-points-\(self.runID)"
            let consumerIDs = try await setup.measure("register \(self.consumers) consumers") {
                try await registrar.register(prefix: prefix, count: self.consumers, serviceToken: token)
            }
            let before = try await setup.measure("read \(self.consumers) balances") {
                try await registrar.balances(consumerIDs: consumerIDs, serviceToken: token)
            }

            let ledger = PointsLedger(consumers: self.consumers)
            var warmupOK = 0
            if let warmup = self.load.warmupPlan {
                let tally = await setup.measure("warm up") {
                    await LoadRunner(concurrency: self.load.concurrency, plan: warmup, pool: pool)
                        .run(Self.accrue(pool: pool, token: token, consumerIDs: consumerIDs, ledger: ledger, keyPrefix: "\(self.runID)-w"))
                }
                warmupOK = tally.count(of: .ok)
            }

            var machine = Machine.forLoadRun()
            let startedAt = Date()
            print("running \(plan) with \(self.load.concurrency) in flight over \(self.connection.connections) connections…")
            let tally = await LoadRunner(concurrency: self.load.concurrency, plan: plan, pool: pool)
                .run(Self.accrue(pool: pool, token: token, consumerIDs: consumerIDs, ledger: ledger, keyPrefix: "\(self.runID)-t"))
            machine.loadAverageAfter = Machine.loadAverage()

            let after = try await setup.measure("verify \(self.consumers) balances") {
                try await registrar.balances(consumerIDs: consumerIDs, serviceToken: token)
            }
            let checks = PointsLedger.checks(state: ledger.snapshot, before: before, after: after, okCalls: warmupOK + tally.count(of: .ok))
            var options = self.connection.reportEntries(endpoints: self.endpoints).merging(self.load.reportEntries(plan: plan)) { $1 }
            options["consumers"] = String(self.consumers)
            options["user_prefix"] = prefix
            options["run_id"] = self.runID
            return LoadReport(
                scenario: "points", label: self.load.label, startedAt: startedAt, machine: machine, options: options,
                setup: setup.phases, tally: tally, checks: checks, targets: [])
        }
    }

    /// One AccruePoints per call, for consumer `index % count`, with a key no other call uses.
    static func accrue(
        pool: ClientPool, token: String, consumerIDs: [String], ledger: PointsLedger, keyPrefix: String
    ) -> LoadRunner.Call {
        let auth = Metadata.bearer(token)
        return { index in
            let consumer = index % consumerIDs.count
            let points = Self.points(for: index)
            var request = Voucherd_V1_AccruePointsRequest()
            request.consumerID = consumerIDs[consumer]
            request.points = points
            request.reason = "voucherd-load"
            request.idempotencyKey = "\(keyPrefix)-\(index)"
            do {
                _ = try await Voucherd_V1_Identity.Client(wrapping: pool.client(for: index)).accruePoints(request, metadata: auth)
            } catch {
                ledger.uncertain(consumer: consumer, points: points)
                throw error
            }
            ledger.acknowledge(consumer: consumer, points: points)
            return .ok
        }
    }
}
