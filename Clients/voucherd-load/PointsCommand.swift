import ArgumentParser

/// `voucherd-load points`: AccruePoints against identity, then every balance checked.
struct PointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "points",
        abstract: "Accrue points for many consumers through identity, then check every balance.",
        discussion: """
            Exchanges --api-key (a service account's) for a token, registers --consumers consumers, \
            reads their balances, then drives AccruePoints (1-10 points each, a unique idempotency \
            key per call) spread over the consumers. Afterwards each balance must have moved by \
            exactly the accruals that were acknowledged. Default: 20000 calls.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var load: LoadOptions

    @Option(name: .customLong("api-key"), help: "A service account's API key (CreateServiceAccount prints it once).")
    var apiKey: String

    @Option(help: "Consumers to register and accrue for.")
    var consumers: Int = 1000

    @Option(name: .customLong("user-prefix"), help: "External ids are <prefix>-0, <prefix>-1, …; default load-points-<random>, fresh consumers every run.")
    var userPrefix: String?

    mutating func validate() throws {
        guard self.consumers > 0 else { throw ValidationError("--consumers must be at least 1.") }
    }

    func run() async throws {
        let scenario = PointsScenario(
            endpoints: try self.connection.requireEndpoints(of: "identity"),
            connection: self.connection,
            load: self.load,
            apiKey: self.apiKey,
            consumers: self.consumers,
            userPrefix: self.userPrefix)
        try ReportOutput.emit(try await scenario.run(), jsonPath: self.load.json)
    }
}
