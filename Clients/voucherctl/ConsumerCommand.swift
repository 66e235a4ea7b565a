import ArgumentParser
import VoucherdModel

/// `voucherctl consumer register|get|referral`.
struct ConsumerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer",
        abstract: "Register and look up consumers.",
        subcommands: [Register.self, Get.self, Referral.self]
    )

    /// `consumer register`: finds or creates the consumer with an external id.
    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a consumer (or find the one with this external id). Service and operator.",
            discussion: "Prints the consumer, including its invite code, and whether it was created."
        )

        @Option(name: .customLong("external-id"), help: "The caller's id for this person (1-128 characters).")
        var externalID: String
        @Option(name: .customLong("display-name"), help: "Optional, at most 100 characters.")
        var displayName: String?
        @Option(name: .long, help: "Optional, E.164 (+8613800138000).")
        var phone: String?
        @Option(name: .long, help: "Optional.")
        var email: String?
        @Option(name: .customLong("invite-code"), help: "Optional: the inviter's invite code.")
        var inviteCode: String?
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_RegisterConsumerRequest()
            request.externalID = self.externalID
            request.displayName = self.displayName ?? ""
            request.phone = self.phone ?? ""
            request.email = self.email ?? ""
            request.inviteCode = self.inviteCode ?? ""
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.registerConsumer(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    /// `consumer get`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a consumer. The consumer itself, service, operator.")

        @Argument(help: "The consumer id (con_...).")
        var consumerID: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_GetConsumerRequest()
            request.consumerID = self.consumerID
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.getConsumer(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }

    /// `consumer referral`: the invite code and the rewards it earned.
    struct Referral: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a consumer's invite code, invitees registered and rewards granted."
        )

        @Argument(help: "The consumer id (con_...).")
        var consumerID: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_GetReferralStatusRequest()
            request.consumerID = self.consumerID
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.getReferralStatus(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }
}
