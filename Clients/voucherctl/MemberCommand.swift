import ArgumentParser
import VoucherdModel

/// `voucherctl member get`.
struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member",
        abstract: "Look up members (tier, points balance, tier history).",
        subcommands: [Get.self]
    )

    /// `member get`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a member's tier, points balance, lifetime points and spend, and tier history.",
            discussion: "The points ledger itself: `voucherctl points list`."
        )

        @Argument(help: "The consumer id (con_...).")
        var consumerID: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_GetMemberRequest()
            request.consumerID = self.consumerID
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.getMember(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }
}
