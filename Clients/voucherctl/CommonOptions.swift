import ArgumentParser

/// Options every command that talks to a service takes.
struct CommonOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The session file `voucherctl login` wrote. Default: $VOUCHERCTL_SESSION or ~/.config/voucherctl/session.json.", valueName: "file")
    )
    var session: String?

    @Option(name: .long, help: "How to print the result: table or json.")
    var format: OutputFormat = .table

    /// The session path to use.
    var sessionPath: String { self.session ?? Session.defaultPath }
}
