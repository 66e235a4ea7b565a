import ArgumentParser
import VoucherdModel

/// `voucherctl staff create`.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Manage merchant staff accounts.",
        subcommands: [Create.self]
    )

    /// `staff create`: adds a staff account to a merchant.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a staff account to a merchant. Operator, or the merchant's owner.",
            discussion: "The password comes from a prompt, or from standard input with --password-stdin."
        )

        @Option(name: .customLong("merchant-id"), help: "The merchant (mer_...).")
        var merchantID: String
        @Option(name: .long, help: "The login: 3-64 characters of [a-z0-9._-].")
        var username: String
        @Option(name: .customLong("display-name"), help: "Optional.")
        var displayName: String = ""
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
        var passwordFromStandardInput = false
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await RPCFailure.reporting {
                var request = Voucherd_V1_CreateStaffRequest()
                request.merchantID = self.merchantID
                request.username = self.username
                request.displayName = self.displayName
                request.password = try SecretInput.read(
                    prompt: "Password for \(self.username): ", fromStandardInput: self.passwordFromStandardInput, flag: "--password-stdin"
                )
                let message = request
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.createStaff(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }
}
