import ArgumentParser
import Foundation
import VoucherdModel

/// `voucherctl login`: a staff or operator login (or a service account's API key exchange);
/// stores the tokens, the endpoint and the TLS files in the session file.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log in to identity and store the session.",
        discussion: """
            Username and password log in staff and operators (the password from a prompt, or the \
            first line of standard input with --password-stdin). --api-key-stdin exchanges a service \
            account's API key instead. The session (tokens, endpoint, TLS file paths) is written with \
            mode 0600; later commands use it and refresh the access token when it expires.
            """
    )

    @Option(name: .long, help: "The username (staff or operator).")
    var username: String?

    @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
    var passwordFromStandardInput = false

    @Flag(name: .customLong("api-key-stdin"), help: "Read a service account's API key from standard input instead of a username and password.")
    var apiKeyFromStandardInput = false

    @OptionGroup var tls: TLSFiles
    @OptionGroup var options: CommonOptions

    func validate() throws {
        if self.apiKeyFromStandardInput == (self.username != nil) {
            throw ValidationError("give either --username or --api-key-stdin")
        }
    }

    func run() async throws {
        try await RPCFailure.reporting {
            let files = self.tls.resolved
            let pair: Voucherd_V1_TokenPair
            if self.apiKeyFromStandardInput {
                var request = Voucherd_V1_ExchangeApiKeyRequest()
                request.apiKey = try SecretInput.read(prompt: "API key: ", fromStandardInput: true, flag: "--api-key-stdin")
                pair = try await IdentityConnection.anonymous(
                    endpoint: self.tls.endpoint, serverName: self.tls.serverName, ca: files.ca,
                    certificate: files.certificate, key: files.key
                ) { client in try await client.exchangeApiKey(request) }
            } else {
                var request = Voucherd_V1_LoginRequest()
                request.username = self.username ?? ""
                request.password = try SecretInput.read(
                    prompt: "Password for \(request.username): ", fromStandardInput: self.passwordFromStandardInput, flag: "--password-stdin"
                )
                pair = try await IdentityConnection.anonymous(
                    endpoint: self.tls.endpoint, serverName: self.tls.serverName, ca: files.ca,
                    certificate: files.certificate, key: files.key
                ) { client in try await client.login(request) }
            }
            var session = Session(
                endpoint: self.tls.endpoint, serverName: self.tls.serverName, caPath: files.ca,
                certificatePath: files.certificate, keyPath: files.key, accessToken: "",
                accessTokenExpiresAtMicros: 0, refreshToken: "", refreshTokenExpiresAtMicros: 0, subject: "", role: ""
            )
            session.apply(pair)
            try session.save(to: self.options.sessionPath)
            // Tokens are credentials: print who logged in, never the tokens themselves.
            var shown = Voucherd_V1_WhoAmIResponse()
            shown.principal = pair.principal
            try Output.print(shown, format: self.options.format, title: "Logged in; session saved to \(self.options.sessionPath)")
        }
    }
}

/// `voucherctl whoami`: who the session's token says it is.
struct WhoAmI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Show who the session is logged in as.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await RPCFailure.reporting {
            let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                try await client.whoAmI(Voucherd_V1_WhoAmIRequest(), metadata: metadata)
            }
            try Output.print(response, format: self.options.format)
        }
    }
}
