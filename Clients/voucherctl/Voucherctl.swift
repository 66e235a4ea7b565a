import ArgumentParser

/// The voucherd operator CLI.
@main
struct Voucherctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voucherctl",
        abstract: "Operate a voucherd cluster.",
        discussion: """
            Start with `voucherctl certs init --out deploy/certs`, then `voucherctl login`. Every \
            command takes --help; commands that print take --format table|json. Failures print \
            `error: <GRPC_STATUS> (<code>): <message>` on standard error and exit 1.
            """,
        subcommands: [
            Certs.self, Login.self, WhoAmI.self, ConsumerCommand.self, MerchantCommand.self, StaffCommand.self,
            OperatorCommand.self, ServiceAccountCommand.self, ApiKeyCommand.self, MemberCommand.self,
            PointsCommand.self, AuditCommand.self,
        ]
    )
}
