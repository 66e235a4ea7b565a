import ArgumentParser
import XRPC

/// `voucherd-load flash-sale`: many consumers claim from one small campaign at once.
struct FlashSaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flash-sale",
        abstract: "Many consumers race ClaimCoupon on one campaign; check exactly inventory succeed.",
        discussion: """
            --endpoint is the issuance service, --identity-endpoint the identity service. Before \
            the timed phase: exchanges --api-key (a service account's) for a token, registers \
            --users consumers and mints an access token for each (IssueConsumerToken), and either \
            reads --campaign or, with --setup, creates and activates a claim campaign with \
            --inventory and --per-user-limit using --admin-token (a merchant owner's or operator's \
            access token). The timed phase makes --attempts ClaimCoupon calls (default 200000), each \
            by a random user with that user's token. RESOURCE_EXHAUSTED (sold out) and \
            FAILED_PRECONDITION (per-user limit) are outcomes, not failures. Afterwards: winners \
            must equal min(remaining stock, demand) exactly, no user may hold more than the limit \
            (by the responses and by each winner's wallet), and the campaign's issued count must \
            have moved by the winners. Use a fresh campaign per run.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var load: LoadOptions

    @Option(
        name: .customLong("identity-endpoint"),
        help: ArgumentHelp("The identity service, host:port; repeat for several.", valueName: "host:port"))
    var identityEndpointArguments: [EndpointArgument] = []

    @Option(name: .customLong("api-key"), help: "A service account's API key: registers the users and mints their tokens.")
    var apiKey: String

    @Option(help: ArgumentHelp("An active claim campaign to race on.", valueName: "id"))
    var campaign: String?

    @Flag(help: "Create and activate a campaign first (needs --admin-token and --merchant-id).")
    var setup = false

    @Option(name: .customLong("admin-token"), help: "A merchant owner's or operator's access token, for --setup and for reading the campaign's stock.")
    var adminToken: String?

    @Option(name: .customLong("merchant-id"), help: ArgumentHelp("The approved merchant the --setup campaign belongs to.", valueName: "id"))
    var merchantID: String?

    @Option(help: "The --setup campaign's inventory.")
    var inventory: UInt64 = 10_000

    @Option(name: .customLong("per-user-limit"), help: "The --setup campaign's coupons per user (0: no limit).")
    var perUserLimit: UInt32 = 1

    @Option(help: "The --setup campaign's currency (ISO 4217).")
    var currency: String = "CNY"

    @Option(help: "Consumers racing.")
    var users: Int = 50_000

    @Option(name: .customLong("user-prefix"), help: "External ids are <prefix>-0, <prefix>-1, …; default load-flash-<random>.")
    var userPrefix: String?

    @Option(help: "Seed for choosing each attempt's user; default random (printed in the report).")
    var seed: UInt64?

    @Flag(name: .customLong("skip-wallet-check"), help: "Do not read every winner's wallet afterwards.")
    var skipWalletCheck = false

    @Flag(help: ArgumentHelp(
        "Before the sale opens, every consumer reads its wallet once with its own token, as an app does on the countdown page.",
        discussion: "The service then knows every token when the timed phase starts. Without it, each consumer's first attempt includes the verification of its token's Ed25519 signature."))
    var presale = false

    mutating func validate() throws {
        guard self.users > 0 else { throw ValidationError("--users must be at least 1.") }
        guard !self.identityEndpointArguments.isEmpty else {
            throw ValidationError("Give the identity service's address with --identity-endpoint host:port.")
        }
        switch (self.campaign, self.setup) {
        case (.some, true): throw ValidationError("Give either --campaign or --setup, not both.")
        case (.none, false): throw ValidationError("Give --campaign <id>, or --setup to create one.")
        default: break
        }
        if self.setup {
            guard self.adminToken != nil, self.merchantID != nil else {
                throw ValidationError("--setup needs --admin-token and --merchant-id.")
            }
            guard self.inventory > 0 else { throw ValidationError("--inventory must be at least 1.") }
        }
    }

    func run() async throws {
        let scenario = FlashSaleScenario(
            issuanceEndpoints: try self.connection.requireEndpoints(of: "issuance"),
            identityEndpoints: self.identityEndpointArguments.map(\.endpoint),
            connection: self.connection,
            load: self.load,
            apiKey: self.apiKey,
            campaign: self.setup
                ? .create(CampaignSetup(merchantID: self.merchantID ?? "", inventory: self.inventory, perUserLimit: self.perUserLimit, currency: self.currency))
                : .existing(self.campaign ?? ""),
            adminToken: self.adminToken,
            users: self.users,
            userPrefix: self.userPrefix,
            seed: self.seed ?? UInt64.random(in: 0 ... .max),
            checkWallets: !self.skipWalletCheck,
            presale: self.presale)
        try ReportOutput.emit(try await scenario.run(), jsonPath: self.load.json)
    }
}
