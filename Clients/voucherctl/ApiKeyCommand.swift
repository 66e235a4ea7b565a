import ArgumentParser
import VoucherdModel

/// `voucherctl api-key create|revoke`.
struct ApiKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key",
        abstract: "Rotate and revoke service accounts' API keys.",
        subcommands: [Create.self, Revoke.self]
    )

    /// `api-key create`: another key for a service account (rotation).
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an API key to a service account (shown once). Operator only.")

        @Option(name: .customLong("service-account-id"), help: "The service account (svc_...).")
        var serviceAccountID: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_CreateApiKeyRequest()
            request.serviceAccountID = self.serviceAccountID
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.createApiKey(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format, title: "The api_key is shown this once; store it now.")
            }
        }
    }

    /// `api-key revoke`: at once.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key at once. Operator only.")

        @Argument(help: "The key id (key_...).")
        var keyID: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            var request = Voucherd_V1_RevokeApiKeyRequest()
            request.keyID = self.keyID
            let message = request
            try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.revokeApiKey(message, metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
            }
        }
    }
}
