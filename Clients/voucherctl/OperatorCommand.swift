import ArgumentParser
import VoucherdModel

/// `voucherctl operator create`.
struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Manage operator accounts.",
        subcommands: [Create.self]
    )

    /// `operator create`: adds an operator account.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an operator account. Operator only.",
            discussion: "The password comes from a prompt, or from standard input with --password-stdin."
        )

        @Option(name: .long, help: "The login: 3-64 characters of [a-z0-9._-].")
        var username: String
        @Option(name: .customLong("display-name"), help: "Optional.")
        var displayName: String = ""
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
        var passwordFromStandardInput = false
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await RPCFailure.reporting {
                var request = Voucherd_V1_CreateOperatorRequest()
                request.username = self.username
                request.displayName = self.displayName
                request.password = try SecretInput.read(
                    prompt: "Password for \(self.username): ", fromStandardInput: self.passwordFromStandardInput, flag: "--password-stdin"
                )
                let message = request
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.createOperator(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }
}
