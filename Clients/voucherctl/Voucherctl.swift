import ArgumentParser

/// The voucherd operator CLI.
@main
struct Voucherctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voucherctl",
        abstract: "Operate a voucherd cluster.",
        subcommands: [Certs.self]
    )
}
