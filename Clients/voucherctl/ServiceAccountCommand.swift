import ArgumentParser
import VoucherdModel

/// `voucherctl service-account create`.
struct ServiceAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service-account",
        abstract: "Manage service accounts (for gateways and services).",
        subcommands: [Create.self]
    )

    /// `service-account create`: the account and its first API key, shown once.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a service account and its first API key (shown once). Operator only.",
            discussion: "Log in as it with `voucherctl login --api-key-stdin`."
        )

        @Option(name: .long, help: "3-64 characters of [a-z0-9._-], unique.")
        var name: String
        @Option(name: .long, help: "Optional.")
        var description: String = ""
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_CreateServiceAccountRequest()
            request.name = self.name
            request.description_p = self.description
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.createServiceAccount(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format, title: "The api_key is shown this once; store it now.")
            }
        }
    }
}
