import ArgumentParser
import VoucherdModel

/// `voucherctl audit verify`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The hash-chained audit log.",
        subcommands: [Verify.self]
    )

    /// `audit verify`: exits non-zero when the chain is broken.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check identity's audit log hash chain. Operator only.",
            discussion: "Exits 1 (after printing the result) when the chain does not verify."
        )

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let valid = try await RPCFailure.reporting {
                let response = try await IdentityConnection.authenticated(sessionPath: self.options.sessionPath) { client, metadata in
                    try await client.verifyAuditLog(Voucherd_V1_VerifyAuditLogRequest(), metadata: metadata)
                }
                try Output.print(response, format: self.options.format)
                return response.valid
            }
            if !valid {
                RPCFailure.printError("the audit chain does not verify")
                throw ExitCode.failure
            }
        }
    }
}
