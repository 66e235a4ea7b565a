import BenchSupport
import Foundation
import GRPCCore
import VoucherdModel
import XRPC

/// The flash sale (抢券): every attempt a ClaimCoupon by a random consumer with that
/// consumer's own token, through authentication, on one campaign with little stock.
struct FlashSaleScenario: Sendable {
    static let defaultAttempts = 200_000
    static let claimed = Outcome("claimed")
    static let soldOut = Outcome("sold_out")
    static let limitReached = Outcome("limit_reached")

    /// Race on an existing campaign, or create one first.
    enum CampaignSource: Sendable, Hashable {
        case existing(String)
        case create(CampaignSetup)
    }

    var issuanceEndpoints: [XRPCEndpoint]
    var identityEndpoints: [XRPCEndpoint]
    var connection: ConnectionOptions
    var load: LoadOptions
    var apiKey: String
    var campaign: CampaignSource
    var adminToken: String?
    var users: Int
    var userPrefix: String?
    var seed: UInt64
    var checkWallets: Bool
    /// Every consumer reads its wallet once before the timed phase (``FlashSaleCommand/presale``).
    var presale = false
    var runID = RunID.make()

    func run() async throws -> LoadReport {
        let tls = self.connection.tls
        // Identity is only busy before and after the timed phase, so fewer connections do.
        return try await ClientPool.with(endpoints: self.identityEndpoints, tls: tls, connections: min(self.connection.connections, 4)) { identity in
            try await ClientPool.with(endpoints: self.issuanceEndpoints, tls: tls, connections: self.connection.connections) { issuance in
                try await self.run(identity: identity, issuance: issuance)
            }
        }
    }

    private func run(identity: ClientPool, issuance: ClientPool) async throws -> LoadReport {
        var setup = SetupPhases()
        let registrar = ConsumerRegistrar(pool: identity, setupConcurrency: self.load.setupConcurrency)
        let serviceToken = try await setup.measure("exchange the API key") { try await registrar.serviceToken(apiKey: self.apiKey) }
        let prefix = self.userPrefix ?? "load-flash-\(self.runID)"
        let consumerIDs = try await setup.measure("register \(self.users) consumers") {
            try await registrar.register(prefix: prefix, count: self.users, serviceToken: serviceToken)
        }
        // Minted up front, so the timed phase measures claims and not token issuance.
        let tokens = try await setup.measure("mint \(self.users) consumer tokens") {
            try await registrar.mintTokens(consumerIDs: consumerIDs, serviceToken: serviceToken)
        }

        let stub = Voucherd_V1_Issuance.Client(wrapping: issuance.client(for: 0))
        let readAuth = Metadata.bearer(self.adminToken ?? serviceToken)
        let campaign: Voucherd_V1_Campaign
        switch self.campaign {
        case .existing(let id):
            var request = Voucherd_V1_GetCampaignRequest()
            request.campaignID = id
            campaign = try await setup.measure("read campaign \(id)") { try await stub.getCampaign(request, metadata: readAuth) }
        case .create(let recipe):
            campaign = try await setup.measure("create and activate a campaign") {
                try await recipe.createAndActivate(issuance: stub, adminToken: self.adminToken ?? "", runID: self.runID)
            }
        }
        let stockRequest = {
            var request = Voucherd_V1_GetCampaignRequest()
            request.campaignID = campaign.campaignID
            return request
        }()
        let stockBefore = try await stub.getCampaignStock(stockRequest, metadata: readAuth)

        let auth = tokens.map(Metadata.bearer)
        if self.presale {
            // The countdown page: each consumer's app shows its wallet before the sale opens, so
            // issuance has verified every consumer's token by the time the claims start.
            _ = try await setup.measure("presale: \(self.users) consumers read their wallets") {
                try await BoundedConcurrency.map(count: self.users, concurrency: self.load.setupConcurrency) { user in
                    var request = Voucherd_V1_ListWalletRequest()
                    request.consumerID = consumerIDs[user]
                    request.pageSize = 1
                    _ = try await Voucherd_V1_Issuance.Client(wrapping: issuance.client(for: user)).listWallet(
                        request, metadata: auth[user])
                    return ()
                }
            }
        }

        if let warmup = self.load.warmupPlan {
            // Warm connections with reads: a warm-up claim would spend the stock being measured.
            _ = await setup.measure("warm up (GetCampaignStock)") {
                await LoadRunner(concurrency: self.load.concurrency, plan: warmup, pool: issuance).run { index in
                    _ = try await Voucherd_V1_Issuance.Client(wrapping: issuance.client(for: index)).getCampaignStock(stockRequest, metadata: readAuth)
                    return .ok
                }
            }
        }

        let plan = self.load.plan(defaultRequests: Self.defaultAttempts)
        let picker = UserPicker(seed: self.seed, users: self.users)
        let ledger = FlashSaleLedger(users: self.users)
        var machine = Machine.forLoadRun()
        let startedAt = Date()
        print("running \(plan) with \(self.load.concurrency) in flight over \(self.connection.connections) connections…")
        let tally = await LoadRunner(concurrency: self.load.concurrency, plan: plan, pool: issuance).run(
            Self.claim(
                pool: issuance, campaignID: campaign.campaignID, consumerIDs: consumerIDs, auth: auth,
                picker: picker, ledger: ledger, keyPrefix: self.runID))
        machine.loadAverageAfter = Machine.loadAverage()

        let stockAfter = try await stub.getCampaignStock(stockRequest, metadata: readAuth)
        let state = ledger.snapshot
        var walletCounts: [Int: Int]?
        if self.checkWallets {
            let checked = state.wins.indices.filter { state.wins[$0] > 0 || state.uncertain[$0] > 0 }
            walletCounts = try await setup.measure("read \(checked.count) winners' wallets") {
                let counts = try await BoundedConcurrency.map(count: checked.count, concurrency: self.load.setupConcurrency) { position in
                    let user = checked[position]
                    return try await Self.walletCount(
                        pool: issuance, index: position, consumerID: consumerIDs[user], campaignID: campaign.campaignID,
                        auth: .bearer(tokens[user]))
                }
                return Dictionary(uniqueKeysWithValues: zip(checked, counts))
            }
        }

        let verification = FlashSaleVerification(
            attemptsPerUser: picker.attemptsPerUser(attempts: tally.attempts), ledger: state,
            perUserLimit: Self.effectiveLimit(campaign.rules), inventory: stockAfter.inventory,
            issuedBefore: stockBefore.issued, remainingBefore: stockBefore.remaining, issuedAfter: stockAfter.issued,
            failures: tally.failures, walletCounts: walletCounts)
        var options = self.connection.reportEntries(endpoints: self.issuanceEndpoints).merging(self.load.reportEntries(plan: plan)) { $1 }
        options["identity_endpoints"] = self.identityEndpoints.map(\.description).joined(separator: ",")
        options["campaign"] = campaign.campaignID
        options["inventory"] = String(campaign.rules.inventory)
        options["per_user_limit"] = String(Self.effectiveLimit(campaign.rules))
        options["users"] = String(self.users)
        options["presale"] = String(self.presale)
        options["user_prefix"] = prefix
        options["seed"] = String(self.seed)
        options["run_id"] = self.runID
        var report = LoadReport(
            scenario: "flash-sale", label: self.load.label, startedAt: startedAt, machine: machine, options: options,
            setup: setup.phases, tally: tally, checks: verification.checks, targets: [])
        report.targets = FlashSaleVerification.targets(attemptsPerSecond: report.attemptsPerSecond, p99Ms: report.allAnswered.p99Ms)
        return report
    }

    /// The stricter of the campaign's total and per-day limits; 0 when it has neither.
    static func effectiveLimit(_ rules: Voucherd_V1_CampaignRules) -> Int {
        let limits = [rules.perUserTotal, rules.perUserPerDay].filter { $0 > 0 }
        return Int(limits.min() ?? 0)
    }

    /// Sorts an error from ClaimCoupon into the outcomes the proto documents, or nil for a
    /// real failure.
    static func outcome(for error: any Error) -> Outcome? {
        guard let error = error as? RPCError else { return nil }
        switch error.code {
        // The server's rate limiter also answers RESOURCE_EXHAUSTED, with a retry-after: that
        // is a refused call, not a sold-out campaign, and must not pass as a fast answer.
        case .resourceExhausted where error.metadata[stringValues: "retry-after-ms"].first(where: { _ in true }) != nil:
            return nil
        case .resourceExhausted: return Self.soldOut
        case .failedPrecondition: return Self.limitReached
        default: return nil
        }
    }

    /// One ClaimCoupon per call, by the picker's user with its own token.
    static func claim(
        pool: ClientPool, campaignID: String, consumerIDs: [String], auth: [Metadata], picker: UserPicker,
        ledger: FlashSaleLedger, keyPrefix: String
    ) -> LoadRunner.Call {
        { index in
            let user = picker.user(for: index)
            var request = Voucherd_V1_ClaimCouponRequest()
            request.campaignID = campaignID
            request.idempotencyKey = "\(keyPrefix)-\(index)"
            let coupon: Voucherd_V1_Coupon
            do {
                coupon = try await RawUnary.call(
                    pool.transport(for: index), method: Voucherd_V1_Issuance.Method.ClaimCoupon.descriptor, request: request,
                    metadata: auth[user])
            } catch {
                if let outcome = Self.outcome(for: error) { return outcome }
                ledger.uncertain(user: user)
                throw error
            }
            ledger.win(
                user: user, couponID: coupon.couponID,
                addressedCorrectly: coupon.consumerID == consumerIDs[user] && coupon.campaignID == campaignID)
            return Self.claimed
        }
    }

    /// How many of this campaign's coupons the consumer's wallet holds, in any state.
    static func walletCount(pool: ClientPool, index: Int, consumerID: String, campaignID: String, auth: Metadata) async throws -> Int {
        let stub = Voucherd_V1_Issuance.Client(wrapping: pool.client(for: index))
        var request = Voucherd_V1_ListWalletRequest()
        request.consumerID = consumerID
        request.pageSize = 100
        var count = 0
        while true {
            let page = try await stub.listWallet(request, metadata: auth)
            count += page.coupons.filter { $0.campaignID == campaignID }.count
            guard !page.nextPageToken.isEmpty else { return count }
            request.pageToken = page.nextPageToken
        }
    }
}
